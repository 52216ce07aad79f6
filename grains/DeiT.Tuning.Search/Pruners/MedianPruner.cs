namespace DeiT.Tuning.Search.Pruners;

/// <summary>
/// Optuna's MedianPruner: prunes when the trial's best intermediate value so far is worse than the median of the
/// completed trials' values at the same step. Stateless: every decision is a function of the trials.
/// </summary>
public sealed class MedianPruner(PrunerOptions options) : IPruner
{
    public string Name => "median";

    public bool ShouldPrune(FrozenTrial trial, IReadOnlyList<FrozenTrial> trials, StudyDirection direction)
    {
        if (trial.Intermediate.Count == 0) return false;
        var completed = trials.Where(t => t.State == TrialState.Complete && t.Number != trial.Number).ToList();
        if (completed.Count < options.StartupTrials) return false;
        var step = trial.Intermediate.Keys.Max();
        if (step < options.WarmupSteps) return false;
        if ((step - options.WarmupSteps) % Math.Max(1, options.IntervalSteps) != 0) return false;

        var values = trial.Intermediate.Values.Where(v => !double.IsNaN(v)).ToList();
        if (values.Count == 0) return true;
        var best = direction == StudyDirection.Maximize ? values.Max() : values.Min();

        var others = completed
            .Where(t => t.Intermediate.TryGetValue(step, out var v) && !double.IsNaN(v))
            .Select(t => t.Intermediate[step])
            .ToList();
        if (others.Count == 0) return false;
        var median = Median(others);
        return direction == StudyDirection.Maximize ? best < median : best > median;
    }

    public string SaveState() => "";

    public void LoadState(string state) { }

    internal static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    }
}
