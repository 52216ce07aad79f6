using System.Globalization;

namespace DeiT.Tuning.Search.Pruners;

/// <summary>
/// Builds a pruner from a spec such as <c>median</c>, <c>asha:min_resource=1,reduction_factor=3,grace_period=5</c>
/// or <c>hyperband:max_resource=300,grace_parameter=warmup_epochs</c>.
/// </summary>
public static class PrunerFactory
{
    public static IReadOnlyList<string> Names { get; } = ["none", "median", "asha", "hyperband"];

    public static IReadOnlyList<string> SettingNames { get; } =
        ["startup_trials", "warmup_steps", "interval_steps", "min_resource", "reduction_factor", "min_early_stopping_rate", "grace_period", "max_resource", "hash_key", "grace_parameter"];

    public static IPruner Create(string spec)
    {
        var parsed = Parse(spec);
        return Create(parsed.Name, Options(parsed, new PrunerOptions()));
    }

    public static IPruner Create(string name, PrunerOptions options)
    {
        Check(options);
        return name.Trim().ToLowerInvariant() switch
        {
            "none" or "nop" => new NopPruner(),
            "median" => new MedianPruner(options),
            "asha" or "sha" or "successive-halving" or "successive_halving" => new SuccessiveHalvingPruner(options),
            "hyperband" => new HyperbandPruner(options),
            _ => throw new ArgumentException($"unknown pruner '{name}'; use one of {string.Join(", ", Names)}"),
        };
    }

    /// <summary>The settings after the ':' of a spec, on top of the defaults.</summary>
    public static PrunerOptions ParseOptions(string spec, PrunerOptions? defaults = null) => Options(Parse(spec), defaults ?? new PrunerOptions());

    private static AlgorithmSpec Parse(string spec) => AlgorithmSpec.Parse(spec, "pruner", $" (keys: {string.Join(", ", SettingNames)})");

    private static PrunerOptions Options(AlgorithmSpec spec, PrunerOptions options)
    {
        foreach (var setting in spec.Settings)
        {
            if (setting.Key is "hash_key" or "grace_parameter")
            {
                options = setting.Key == "hash_key" ? options with { HashKey = setting.Value } : options with { GraceParameter = setting.Value };
                continue;
            }
            if (!int.TryParse(setting.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                throw new ArgumentException($"pruner setting '{setting.Written}' is '{setting.Value}'; give a whole number");
            options = setting.Key switch
            {
                "startup_trials" or "n_startup_trials" => options with { StartupTrials = v },
                "warmup_steps" or "n_warmup_steps" => options with { WarmupSteps = v },
                "interval_steps" => options with { IntervalSteps = v },
                "min_resource" => options with { MinResource = v },
                "reduction_factor" or "eta" => options with { ReductionFactor = v },
                "min_early_stopping_rate" => options with { MinEarlyStoppingRate = v },
                "grace_period" => options with { GracePeriod = v },
                "max_resource" => options with { MaxResource = v },
                _ => throw new ArgumentException($"unknown pruner setting '{setting.Written}'; use one of {string.Join(", ", SettingNames)}"),
            };
        }
        return options;
    }

    private static void Check(PrunerOptions o)
    {
        if (o.StartupTrials < 0) throw new ArgumentException($"startup_trials must be ≥ 0 (got {o.StartupTrials})");
        if (o.WarmupSteps < 0) throw new ArgumentException($"warmup_steps must be ≥ 0 (got {o.WarmupSteps})");
        if (o.IntervalSteps < 1) throw new ArgumentException($"interval_steps must be ≥ 1 (got {o.IntervalSteps})");
        if (o.MinResource < 1) throw new ArgumentException($"min_resource must be ≥ 1 (got {o.MinResource})");
        if (o.ReductionFactor < 2) throw new ArgumentException($"reduction_factor must be ≥ 2 (got {o.ReductionFactor})");
        if (o.MinEarlyStoppingRate < 0) throw new ArgumentException($"min_early_stopping_rate must be ≥ 0 (got {o.MinEarlyStoppingRate})");
        if (o.GracePeriod < 0) throw new ArgumentException($"grace_period must be ≥ 0 (got {o.GracePeriod})");
        if (o.MaxResource is { } max && max < o.MinResource)
            throw new ArgumentException($"max_resource ({max}) must be ≥ min_resource ({o.MinResource})");
    }
}
