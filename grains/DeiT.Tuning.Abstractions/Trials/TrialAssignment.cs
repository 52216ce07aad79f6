using DeiT.Tuning.Abstractions.Studies;

namespace DeiT.Tuning.Abstractions.Trials;

/// <summary>What a trial grain needs to run one attempt of a trial on a leased device.</summary>
[GenerateSerializer, Immutable, Alias("deit.TrialAssignment")]
public sealed record TrialAssignment
{
    [Id(0)] public required string Study { get; init; }
    [Id(1)] public int Number { get; init; }
    [Id(2)] public int Attempt { get; init; }
    [Id(3)] public required IReadOnlyDictionary<string, ParamSetting> Params { get; init; }
    [Id(4)] public required TrialRunnerSpec Runner { get; init; }
    [Id(5)] public int Seed { get; init; }
    [Id(6)] public required DeviceLease Lease { get; init; }
    [Id(7)] public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The study's metric (top1, top5, loss): the trial keeps the weights of its best epoch by it.</summary>
    [Id(20)] public string Metric { get; init; } = "top1";

    public string TrialKey => TrialKeys.Of(Study, Number);
    public string AttemptKey => TrialKeys.OfAttempt(Study, Number, Attempt);
}

/// <summary>How a trial attempt ended, as the trial grain reports it to the study.</summary>
[GenerateSerializer, Immutable, Alias("deit.TrialOutcome")]
public sealed record TrialOutcome
{
    [Id(0)] public TrialStatus Status { get; init; }
    [Id(1)] public string? Reason { get; init; }
    [Id(2)] public double DeviceSeconds { get; init; }
    /// <summary>The attempt stopped because its silo is shutting down; the study runs it again elsewhere.</summary>
    [Id(3)] public bool Interrupted { get; init; }
    /// <summary>Top-1 of the best-epoch weights on the test split (completed DeiT trials).</summary>
    [Id(20)] public double? TestTop1 { get; init; }
}

public enum EpochVerdict { Continue, Stop }

public static class TrialKeys
{
    public static string Of(string study, int number) => $"{study}/{number}";
    /// <summary>The trial grain of one attempt: a fresh identity per attempt is placed afresh on its leased silo.</summary>
    public static string OfAttempt(string study, int number, int attempt) => $"{study}/{number}/{attempt}";
}
