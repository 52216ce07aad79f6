using System.Globalization;

namespace DeiT.Tuning.Search.Samplers;

/// <summary>
/// Builds a sampler from a spec: its name (random, sobol, tpe, tpe-multivariate, gp, cmaes or auto, the default),
/// optionally with Optuna-style settings after a colon, e.g. <c>tpe:n_startup_trials=20,prior_weight=2</c> or
/// <c>gp:n_startup_trials=4</c>. A setting the named sampler does not use is an error, not ignored.
/// </summary>
public static class SamplerFactory
{
    public static IReadOnlyList<string> Names { get; } = ["random", "sobol", "tpe", "tpe-multivariate", "gp", "cmaes", "auto"];

    private static readonly string[] TpeSettings = ["n_startup_trials", "n_ei_candidates", "prior_weight", "constant_liar"];
    private static readonly string[] GpSettings = ["n_startup_trials", "constant_liar"];

    public static ISampler Create(string spec, int seed, SamplerOptions? defaults = null)
    {
        var parsed = AlgorithmSpec.Parse(spec, "sampler");
        var name = Canonical(parsed.Name);
        var options = Options(parsed.Settings, name, defaults ?? new SamplerOptions());
        return name switch
        {
            "random" => new RandomSampler(seed),
            "sobol" => new SobolSampler(seed),
            "tpe" => new TpeSampler(seed, options, multivariate: false),
            "tpe-multivariate" => new TpeSampler(seed, options, multivariate: true),
            "gp" => new GpSampler(seed, options),
            "cmaes" => new CmaEsSampler(seed, options),
            _ => new AutoSampler(seed, options),
        };
    }

    /// <summary>One of <see cref="Names"/> for a name or an alias (qmc, mtpe, cma-es), in any case.</summary>
    private static string Canonical(string name) => name.ToLowerInvariant() switch
    {
        "qmc" => "sobol",
        "mtpe" => "tpe-multivariate",
        "cma-es" => "cmaes",
        var n when Names.Contains(n) => n,
        _ => throw new ArgumentException($"unknown sampler '{name}'; use one of {string.Join(", ", Names)}"),
    };

    /// <summary>The spec's settings on top of <paramref name="options"/>, checked against what the sampler uses.</summary>
    private static SamplerOptions Options(IReadOnlyList<AlgorithmSpec.Setting> settings, string name, SamplerOptions options)
    {
        string[] allowed = name switch
        {
            "tpe" or "tpe-multivariate" => TpeSettings,
            "gp" or "auto" => GpSettings,
            _ => [],
        };
        foreach (var setting in settings)
        {
            var key = setting.Key switch
            {
                "startup_trials" => "n_startup_trials",
                "ei_candidates" => "n_ei_candidates",
                var k => k,
            };
            if (!allowed.Contains(key))
                throw new ArgumentException(allowed.Length == 0
                    ? $"sampler '{name}' has no settings (got '{setting.Written}')"
                    : $"sampler '{name}' has no setting '{setting.Written}'; use {string.Join(", ", allowed)}");
            options = key switch
            {
                "n_startup_trials" => options with { StartupTrials = Whole(setting, min: 0) },
                "n_ei_candidates" => options with { EiCandidates = Whole(setting, min: 1) },
                "prior_weight" => options with { PriorWeight = PositiveNumber(setting) },
                _ => options with { ConstantLiar = Flag(setting) },
            };
        }
        return options;
    }

    private static int Whole(AlgorithmSpec.Setting s, int min) =>
        int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
            ? v
            : throw new ArgumentException($"sampler setting '{s.Written}' is '{s.Value}'; give a whole number ≥ {min}");

    private static double PositiveNumber(AlgorithmSpec.Setting s) =>
        double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)
            ? v
            : throw new ArgumentException($"sampler setting '{s.Written}' is '{s.Value}'; give a positive number");

    private static bool Flag(AlgorithmSpec.Setting s) => s.Value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new ArgumentException($"sampler setting '{s.Written}' is '{s.Value}'; give true or false"),
    };
}
