namespace DeiT.Tuning.Search.Samplers;

/// <summary>Settings of the model-based samplers (null: the sampler's own default).</summary>
public sealed record SamplerOptions
{
    /// <summary>Finished trials sampled quasi-randomly before the model takes over (TPE: 10 as Optuna; GP: 8).</summary>
    public int? StartupTrials { get; init; }

    /// <summary>TPE: candidates drawn from l(x) and ranked by l(x)/g(x) (Optuna: 24).</summary>
    public int EiCandidates { get; init; } = 24;

    /// <summary>TPE: weight of the prior component in each Parzen estimator (Optuna: 1).</summary>
    public double PriorWeight { get; init; } = 1.0;

    /// <summary>Running trials enter the model as pending points so parallel suggestions differ (TPE: worst value; GP: kriging believer).</summary>
    public bool ConstantLiar { get; init; } = true;

    /// <summary>GP: quasi-random candidates scored by log-EI before local refinement.</summary>
    public int GpCandidates { get; init; } = 1024;

    /// <summary>GP: at most this many observations (the best and a seeded random rest) enter the hyperparameter fit.</summary>
    public int GpMaxFitPoints { get; init; } = 200;
}
