namespace DeiT.Tuning.Search.Samplers;

/// <summary>Builds a sampler by name: random, sobol, tpe, tpe-multivariate, gp, cmaes or auto (the default).</summary>
public static class SamplerFactory
{
    public static IReadOnlyList<string> Names { get; } = ["random", "sobol", "tpe", "tpe-multivariate", "gp", "cmaes", "auto"];

    public static ISampler Create(string name, int seed, SamplerOptions? options = null)
    {
        options ??= new SamplerOptions();
        return name.Trim().ToLowerInvariant() switch
        {
            "random" => new RandomSampler(seed),
            "sobol" or "qmc" => new SobolSampler(seed),
            "tpe" => new TpeSampler(seed, options, multivariate: false),
            "tpe-multivariate" or "mtpe" => new TpeSampler(seed, options, multivariate: true),
            "gp" => new GpSampler(seed, options),
            "cmaes" or "cma-es" => new CmaEsSampler(seed, options),
            "auto" => new AutoSampler(seed, options),
            _ => throw new ArgumentException($"unknown sampler '{name}'; use one of {string.Join(", ", Names)}"),
        };
    }
}
