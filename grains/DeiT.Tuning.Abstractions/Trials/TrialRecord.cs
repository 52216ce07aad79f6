namespace DeiT.Tuning.Abstractions.Trials;

public enum TrialStatus { Running, Completed, Pruned, Failed }

/// <summary>A sampled parameter value: a number, or a categorical choice.</summary>
[GenerateSerializer, Immutable, Alias("deit.ParamSetting")]
public readonly record struct ParamSetting([property: Id(0)] double Number, [property: Id(1)] string? Choice)
{
    public override string ToString() =>
        Choice ?? Number.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Validation metrics one trial reported after one epoch (epochs count from 1).</summary>
[GenerateSerializer, Immutable, Alias("deit.EpochMetrics")]
public sealed record EpochMetrics
{
    [Id(0)] public int Epoch { get; init; }
    [Id(1)] public double Top1 { get; init; } = double.NaN;
    [Id(2)] public double Top5 { get; init; } = double.NaN;
    [Id(3)] public double Loss { get; init; } = double.NaN;
    [Id(4)] public double TrainLoss { get; init; } = double.NaN;
    [Id(5)] public double ImagesPerSecond { get; init; }
    [Id(6)] public double Seconds { get; init; }

    public double Metric(string name) => name switch
    {
        "top1" => Top1,
        "top5" => Top5,
        "loss" => Loss,
        "train_loss" => TrainLoss,
        _ => throw new ArgumentException($"unknown metric '{name}': use top1, top5, loss or train_loss", nameof(name)),
    };
}

/// <summary>One device lease held by one attempt of a trial.</summary>
[GenerateSerializer, Immutable, Alias("deit.DeviceLease")]
public sealed record DeviceLease
{
    [Id(0)] public required string Silo { get; init; }
    [Id(1)] public required string Device { get; init; }
    [Id(2)] public required string TrialKey { get; init; }
    [Id(3)] public int Attempt { get; init; }
    [Id(4)] public DateTimeOffset AcquiredAt { get; init; }
    [Id(5)] public DateTimeOffset? ReleasedAt { get; init; }
    /// <summary>Threads for CPU devices (the "N" in cpu:2xN).</summary>
    [Id(6)] public int Threads { get; init; } = 1;
}

/// <summary>What the study knows about one trial; persisted before any reply that depends on it.</summary>
[GenerateSerializer, Alias("deit.TrialRecord")]
public sealed record TrialRecord
{
    [Id(0)] public int Number { get; init; }
    [Id(1)] public IReadOnlyDictionary<string, ParamSetting> Params { get; init; } = new Dictionary<string, ParamSetting>();
    [Id(2)] public TrialStatus Status { get; init; } = TrialStatus.Running;
    [Id(3)] public string? Reason { get; init; }
    [Id(4)] public IReadOnlyList<EpochMetrics> Epochs { get; init; } = Array.Empty<EpochMetrics>();
    /// <summary>Final objective value (best epoch for completed/pruned trials, or what `tell` gave).</summary>
    [Id(5)] public double? Value { get; init; }
    [Id(6)] public string? Device { get; init; }
    [Id(7)] public string? Silo { get; init; }
    [Id(8)] public int Attempt { get; init; }
    [Id(9)] public DateTimeOffset CreatedAt { get; init; }
    [Id(10)] public DateTimeOffset? StartedAt { get; init; }
    [Id(11)] public DateTimeOffset? FinishedAt { get; init; }
    [Id(12)] public DateTimeOffset? LastHeartbeat { get; init; }
    /// <summary>Seconds a device spent running this trial, summed over attempts.</summary>
    [Id(13)] public double DeviceSeconds { get; init; }
    /// <summary>True for trials created by `study ask` (the caller trains and `tell`s the value).</summary>
    [Id(14)] public bool External { get; init; }
    /// <summary>Epoch the latest attempt resumed from (0: from scratch).</summary>
    [Id(15)] public int ResumedFromEpoch { get; init; }
    /// <summary>Top-1 of the trial's best-epoch weights on the test split, scored once the trial completed.</summary>
    [Id(20)] public double? TestTop1 { get; init; }
    /// <summary>Set on trials `best train` added: the trial whose configuration this one trains again, longer.</summary>
    [Id(21)] public int? RetrainOf { get; init; }
    /// <summary>Epochs of this trial when they differ from the study's (retraining).</summary>
    [Id(22)] public int? EpochBudget { get; init; }
    /// <summary>Training seed when it differs from the study's per-trial seed (retraining with several seeds).</summary>
    [Id(23)] public int? Seed { get; init; }
    /// <summary>The planned trial (<see cref="Studies.PlannedTrialSpec.Key"/>) this record runs; null for sampled trials.</summary>
    [Id(24)] public string? PlanKey { get; init; }

    public bool IsFinished => Status != TrialStatus.Running;
}
