using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Studies;

/// <summary>What a study's spec says about one of its trials.</summary>
internal static class StudySpecTrials
{
    /// <summary>The planned trial the record runs; null for sampled trials.</summary>
    public static PlannedTrialSpec? PlannedOf(this StudySpec spec, TrialRecord trial) =>
        trial.PlanKey is { } key ? spec.Plan.FirstOrDefault(p => p.Key == key) : null;

    public static int EpochsOf(this StudySpec spec, TrialRecord trial) => trial.EpochBudget ?? spec.Runner.Epochs;
}
