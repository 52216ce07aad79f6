using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Studies;

/// <summary>One trial of a study as stored, under its own name beside the study's header.</summary>
[GenerateSerializer, Alias("deit.StudyTrialEntry")]
public sealed class StudyTrialEntry
{
    [Id(0)] public TrialRecord? Record { get; set; }
    /// <summary>The trial's leases once released (a lease still held is in the header).</summary>
    [Id(1)] public List<DeviceLease> ReleasedLeases { get; set; } = [];
    /// <summary>Attempts whose outcome was applied (an outcome is applied once).</summary>
    [Id(2)] public HashSet<int> OutcomesSeen { get; set; } = [];
    /// <summary>What the pruner recorded about this trial (ASHA's rung values).</summary>
    [Id(3)] public string? PrunerState { get; set; }
}

/// <summary>A warm-started study's observations from the earlier study, stored once at creation.</summary>
[GenerateSerializer, Alias("deit.StudyWarmStartEntry")]
public sealed class StudyWarmStartEntry
{
    [Id(0)] public List<TrialRecord> Trials { get; set; } = [];
}
