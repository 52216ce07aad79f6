using DeiT.Tuning.Search.Samplers;

namespace DeiT.Tuning.Cli.Infrastructure;

/// <summary>A `--sampler` value: a sampler's name, optionally with settings (tpe:n_startup_trials=20,prior_weight=2).</summary>
public static class SamplerSpec
{
    public static string Description { get; } =
        $"Sampler: {string.Join(", ", SamplerFactory.Names)}; settings after a colon, Optuna's names: " +
        "tpe:n_startup_trials=20,n_ei_candidates=48,prior_weight=1,constant_liar=true; gp:n_startup_trials=4 (also auto)";

    /// <summary>Throws a <see cref="CliException"/> naming <paramref name="option"/> when the spec builds no sampler.</summary>
    public static string Check(string spec, string option)
    {
        try
        {
            SamplerFactory.Create(spec, seed: 0);
            return spec.Trim();
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{option} {spec}: {e.Message}");
        }
    }
}
