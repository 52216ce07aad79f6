using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Studies;

[GenerateSerializer, Alias("deit.StudyGrainState")]
public sealed class StudyGrainState
{
    [Id(0)] public StudySpec? Spec { get; set; }
    [Id(1)] public StudyState State { get; set; }
    [Id(2)] public string? StopReason { get; set; }
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public DateTimeOffset? StartedAt { get; set; }
    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Running time before the current run (time budgets count only time spent running).</summary>
    [Id(6)] public TimeSpan RunTimeBefore { get; set; }
    [Id(7)] public DateTimeOffset? RunningSince { get; set; }
    [Id(8)] public List<TrialRecord> Trials { get; set; } = [];
    [Id(9)] public List<DeviceLease> Leases { get; set; } = [];
    [Id(10)] public string? SamplerState { get; set; }
    [Id(11)] public string? PrunerState { get; set; }
    /// <summary>"number/attempt" of every attempt whose outcome was recorded (outcomes are applied once).</summary>
    [Id(12)] public HashSet<string> OutcomesSeen { get; set; } = [];
    /// <summary>Trials asked to stop by `search stop`: their "stopped" outcome means interrupted, not pruned.</summary>
    [Id(13)] public HashSet<int> Interrupting { get; set; } = [];
    /// <summary>The warm-start study's finished trials, numbered below 0 (they came first), read once at creation.</summary>
    [Id(14)] public List<TrialRecord> WarmStartTrials { get; set; } = [];
}
