using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Abstractions.Studies;

/// <summary>How clients (CLI tables, dashboard) name a trial's state and pick a study's best trial.</summary>
public static class StudyReading
{
    /// <summary>running splits into asked (ask/tell), waiting (no device yet) and running.</summary>
    public static string State(TrialRecord trial) => trial.Status switch
    {
        TrialStatus.Running when trial.External => "asked",
        TrialStatus.Running when trial.Device is null => "waiting",
        _ => trial.Status.ToString().ToLowerInvariant(),
    };

    public static TrialRecord? Best(StudySnapshot s)
    {
        var scored = s.Trials.Where(t => t.Value is not null && t.Status is TrialStatus.Completed or TrialStatus.Pruned);
        return s.Spec.Direction == OptimizationDirection.Maximize
            ? scored.OrderByDescending(t => t.Value).FirstOrDefault()
            : scored.OrderBy(t => t.Value).FirstOrDefault();
    }
}
