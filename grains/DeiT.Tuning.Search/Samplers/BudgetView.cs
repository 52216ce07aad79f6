namespace DeiT.Tuning.Search.Samplers;

/// <summary>
/// What a model-based sampler fits while completed trials are scarce (BOHB, Falkner et al. 2018): the trials as seen at
/// the largest budget (step, epoch) that enough finished trials reached. Under Hyperband or ASHA most trials are pruned
/// at early epochs, and a pruned trial's last value comes from another epoch than a completed trial's — comparing them
/// mixes scales (with crossing learning curves, even orders). At one budget every trial that reached it, pruned or
/// not, is an observation of the same function.
/// <list type="bullet">
/// <item>at least <c>minPoints</c> completed trials, or no pruned trial: the trials unchanged (the model fits final values);</item>
/// <item>otherwise the largest step e at which ≥ <c>minPoints</c> finished trials reported a finite value: each of them
///   becomes a completed observation with its value at e; finished trials that stopped before e stay pruned (worse than
///   the survivors of their rung); running and failed trials are unchanged;</item>
/// <item>no such step: unchanged.</item>
/// </list>
/// </summary>
public static class BudgetView
{
    /// <summary>Observations a budget needs before a model fits it: parameters + 2 (BOHB uses parameters + 1).</summary>
    public static int MinPoints(int parameters) => parameters + 2;

    public static IReadOnlyList<FrozenTrial> At(IReadOnlyList<FrozenTrial> trials, int minPoints)
    {
        var completed = trials.Count(t => t.State == TrialState.Complete);
        if (completed >= minPoints || !trials.Any(t => t.State == TrialState.Pruned)) return trials;
        if (Budget(trials, minPoints) is not { } budget) return trials;
        return trials.Select(t => Reached(t, budget) ? Observed(t, budget) : t).ToList();
    }

    /// <summary>The largest step that at least <paramref name="minPoints"/> finished trials reached with a finite value.</summary>
    public static int? Budget(IReadOnlyList<FrozenTrial> trials, int minPoints)
    {
        var reached = trials
            .Where(t => t.State is TrialState.Complete or TrialState.Pruned)
            .SelectMany(t => t.Intermediate.Where(kv => double.IsFinite(kv.Value)).Select(kv => kv.Key))
            .GroupBy(step => step)
            .Where(g => g.Count() >= minPoints)
            .Select(g => (int?)g.Key);
        return reached.Max();
    }

    private static bool Reached(FrozenTrial t, int budget) =>
        t.State is TrialState.Complete or TrialState.Pruned && t.Intermediate.TryGetValue(budget, out var v) && double.IsFinite(v);

    private static FrozenTrial Observed(FrozenTrial t, int budget) => t with
    {
        State = TrialState.Complete,
        Value = t.Intermediate[budget],
        Intermediate = t.Intermediate.Where(kv => kv.Key <= budget).ToDictionary(kv => kv.Key, kv => kv.Value),
    };
}
