namespace DeiT.Tuning.Search.Pruners;

/// <summary>
/// Settings of the pruners (each uses the ones it names). Steps and resources are epochs in the DeiT study.
/// </summary>
public sealed record PrunerOptions
{
    /// <summary>Median: completed trials needed before any pruning.</summary>
    public int StartupTrials { get; init; } = 5;

    /// <summary>Median: steps before this are never pruned.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Median: prune only every this many steps after the warmup.</summary>
    public int IntervalSteps { get; init; } = 1;

    /// <summary>ASHA/Hyperband: resource (epochs) of the first rung.</summary>
    public int MinResource { get; init; } = 1;

    /// <summary>ASHA/Hyperband: η; 1/η of a rung is promoted.</summary>
    public int ReductionFactor { get; init; } = 3;

    /// <summary>ASHA: s, the first rung is at MinResource·η^s.</summary>
    public int MinEarlyStoppingRate { get; init; }

    /// <summary>ASHA/Hyperband: no trial is pruned before this step (tie it to the warmup epochs: DeiT loses accuracy when cut during warmup).</summary>
    public int GracePeriod { get; init; }

    /// <summary>Hyperband: the most resource (epochs) a trial gets; sets the number of brackets.</summary>
    public int? MaxResource { get; init; }

    /// <summary>Hyperband: salt of the bracket hash (Optuna uses the study name), so studies spread trials differently.</summary>
    public string HashKey { get; init; } = "";
}
