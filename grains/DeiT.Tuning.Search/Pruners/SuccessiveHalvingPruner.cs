using System.Text.Json;

namespace DeiT.Tuning.Search.Pruners;

/// <summary>
/// Asynchronous Successive Halving (ASHA, Li et al. 2018) as Optuna implements it. Rung k sits at resource
/// MinResource·η^(s+k). When a trial reaches a rung its current value is recorded there; it continues only if that
/// value is in the top 1/η of every value recorded at the rung so far (the first trials at a rung, fewer than η,
/// continue only if they are the best). No decision is taken before <see cref="PrunerOptions.GracePeriod"/> nor, when
/// <see cref="PrunerOptions.GraceParameter"/> names one, before the trial's own value of that parameter.
/// State: the values recorded per trial and rung (Optuna keeps them in trial system attributes).
/// </summary>
public sealed class SuccessiveHalvingPruner(PrunerOptions options) : ITrialStatePruner
{
    private Dictionary<int, List<double>> _rungs = new();   // trial number → value recorded at rung 0, 1, ...

    public string Name => "asha";

    public bool ShouldPrune(FrozenTrial trial, IReadOnlyList<FrozenTrial> trials, StudyDirection direction)
    {
        if (trial.Intermediate.Count == 0) return false;
        var step = trial.Intermediate.Keys.Max();
        if (step < options.GraceFor(trial, options.GracePeriod)) return false;
        var value = trial.Intermediate[step];
        if (!_rungs.TryGetValue(trial.Number, out var recorded)) _rungs[trial.Number] = recorded = [];
        while (true)
        {
            var rung = recorded.Count;
            if (step < RungResource(rung)) return false;
            if (double.IsNaN(value)) return true;
            recorded.Add(value);
            var competing = _rungs.Values.Where(r => r.Count > rung).Select(r => r[rung]).ToList();
            if (!IsPromotable(value, competing, direction)) return true;
        }
    }

    /// <summary>The resource (step) at which rung k is decided.</summary>
    public long RungResource(int rung) => options.MinResource * (long)Math.Pow(options.ReductionFactor, options.MinEarlyStoppingRate + rung);

    private bool IsPromotable(double value, List<double> competing, StudyDirection direction)
    {
        var index = Math.Max(competing.Count / options.ReductionFactor - 1, 0);
        competing.Sort();
        return direction == StudyDirection.Maximize
            ? value >= competing[competing.Count - 1 - index]
            : value <= competing[index];
    }

    public string SaveState() => JsonSerializer.Serialize(_rungs.ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value));

    public void LoadState(string state) => _rungs = string.IsNullOrEmpty(state)
        ? new()
        : JsonSerializer.Deserialize<Dictionary<string, List<double>>>(state)!
            .ToDictionary(kv => int.Parse(kv.Key, System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value);

    public string? SaveTrialState(int number) => _rungs.TryGetValue(number, out var recorded) ? JsonSerializer.Serialize(recorded) : null;

    public void LoadTrialState(int number, string state) => _rungs[number] = JsonSerializer.Deserialize<List<double>>(state)!;
}
