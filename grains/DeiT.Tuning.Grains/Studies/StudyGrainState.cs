using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Studies;

/// <summary>
/// The study grain's state. Stored (the members with an [Id]) it is the study's small header: each trial lives in its
/// own storage entry (<see cref="StudyTrialStore"/>), so a report rewrites one trial, never the whole study. In memory
/// it also holds every trial, loaded on activation.
/// </summary>
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
    /// <summary>Every trial, numbered by position (in memory; stored one entry per trial).</summary>
    [field: NonSerialized] public List<TrialRecord> Trials { get; set; } = [];
    /// <summary>Leases not yet released; released ones are stored with their trial.</summary>
    [Id(9)] public List<DeviceLease> Leases { get; set; } = [];
    [Id(10)] public string? SamplerState { get; set; }
    /// <summary>The pruner's state when it is not kept per trial (see <c>ITrialStatePruner</c>).</summary>
    [Id(11)] public string? PrunerState { get; set; }
    /// <summary>Trials asked to stop by `search stop`: their "stopped" outcome means interrupted, not pruned.</summary>
    [Id(13)] public HashSet<int> Interrupting { get; set; } = [];
    /// <summary>The warm-start study's finished trials, numbered below 0 (they came first), read once at creation
    /// (in memory; stored in an entry of their own).</summary>
    [field: NonSerialized] public List<TrialRecord> WarmStartTrials { get; set; } = [];
    /// <summary>How many trial entries the study had when this header was written.</summary>
    [Id(15)] public int TrialCount { get; set; }

    // A study stored before trials had entries of their own kept everything in one blob: these are read once, split
    // into entries on activation (StudyTrialStore.Load) and stored empty from then on.
    [Id(8)] public List<TrialRecord> StoredTrials { get; set; } = [];
    /// <summary>"number/attempt" of every attempt whose outcome was recorded.</summary>
    [Id(12)] public HashSet<string> StoredOutcomesSeen { get; set; } = [];
    [Id(14)] public List<TrialRecord> StoredWarmStartTrials { get; set; } = [];
}
