using System.Globalization;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Studies;

/// <summary>
/// When a study stops launching trials before its budgets (Ray Tune's experiment stoppers): a target value that a
/// completed trial reached, or a plateau — <see cref="StudySpec.Patience"/> trials in a row finished (completed or
/// pruned, in the order they finished) without a new best. Retrained trials do not count.
/// </summary>
public static class StoppingRules
{
    public static string? Reason(StudySpec spec, IReadOnlyList<TrialRecord> trials)
    {
        if (spec.TargetValue is null && spec.Patience is null) return null; // checked on every tick: most studies set neither
        var maximize = spec.Direction == OptimizationDirection.Maximize;
        var finished = trials
            .Where(t => t.RetrainOf is null && t.FinishedAt is not null && t.Value is { } v && double.IsFinite(v) && t.Status is TrialStatus.Completed or TrialStatus.Pruned)
            .OrderBy(t => t.FinishedAt).ThenBy(t => t.Number).ToList();
        bool Better(double a, double b) => maximize ? a > b : a < b;

        if (spec.TargetValue is { } target &&
            finished.FirstOrDefault(t => t.Status == TrialStatus.Completed && !Better(target, t.Value!.Value)) is { } hit)
            return $"target {spec.Metric} {(maximize ? "≥" : "≤")} {Format(target)} reached by trial {hit.Number} ({Format(hit.Value!.Value)})";

        if (spec.Patience is { } patience)
        {
            TrialRecord? best = null;
            var since = 0;
            foreach (var trial in finished)
            {
                if (trial.Status == TrialStatus.Completed && (best is null || Better(trial.Value!.Value, best.Value!.Value)))
                {
                    best = trial;
                    since = 0;
                }
                else if (best is not null && ++since >= patience)
                {
                    return $"no better {spec.Metric} in {patience} finished trials since trial {best.Number} ({Format(best.Value!.Value)})";
                }
            }
        }
        return null;
    }

    private static string Format(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
}
