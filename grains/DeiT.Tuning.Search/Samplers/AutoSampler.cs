using System.Text.Json;
using DeiT.Tuning.Search.Distributions;

namespace DeiT.Tuning.Search.Samplers;

/// <summary>
/// The default sampler: GP Bayesian optimization while it keeps finding better configurations, CMA-ES where it is
/// lost. The GP (Sobol startup, Matérn-5/2, log-EI; handles int, categorical, conditional and running trials) is fitted
/// to warped outputs (<see cref="Gp.OutputWarp"/>: a Yeo-Johnson power, or a log where the values stay skewed), so
/// ill-conditioned objectives with a huge range do not flatten it; it wins on smooth landscapes by a wide margin, while
/// on rugged or ill-conditioned ones CMA-ES keeps descending where a GP stalls. The switch:
/// <list type="bullet">
/// <item>a phase is stalled when <see cref="Patience"/> of its own finished trials (max(10, 2·parameters), plus one per
///   running trial) since the last improvement did not beat the best; the phase then hands over to the other model;</item>
/// <item>each CMA-ES phase starts a local run at the best trial, its step the spread of the next-best trials around it
///   (what the GP found, refined); within a phase, runs that converge restart IPOP-style from random points;</item>
/// <item>over <see cref="MaxGpObservations"/> finished trials: CMA-ES only, since the GP's cost grows as n³ (a GP suggestion
///   took seconds at 2,000 observations in `bench samplers --latency`; CMA-ES takes milliseconds).</item>
/// </list>
/// Both models and the stall test see the trials through <see cref="BudgetView"/>: while few trials have completed
/// (Hyperband, ASHA), at the largest epoch enough of them reached.
/// <para>With parallel workers, every other GP suggestion maximizes EI from around the best trials only
/// (<c>localWhileRunning</c> of <see cref="GpSampler"/>). Public suite, 30 seeds, geometric mean of the regret ratio to
/// sequential at the same trial count: 4 workers 1.68 → 1.42 (Shekel-10@100 0.51 → 0.094), 8 workers 4.83 → 4.20.</para>
/// </summary>
public sealed class AutoSampler(int seed, SamplerOptions options) : ISampler
{
    public const int MaxGpObservations = 500;

    private readonly GpSampler _gp = new(seed, options, warpOutputs: true, localWhileRunning: true);
    private readonly CmaEsSampler _cmaes = new(seed + 104729, options, startAtBest: true);
    private int _phaseStart;

    public string Name => "auto";

    /// <summary>The model that made the last suggestion: "gp" or "cmaes".</summary>
    public string LastModel { get; private set; } = "gp";

    public static int Patience(SearchSpace space) => Math.Max(10, 2 * space.Parameters.Count);

    public IReadOnlyDictionary<string, ParamValue> Suggest(SearchSpace space, IReadOnlyList<FrozenTrial> trials, StudyDirection direction)
    {
        trials = BudgetView.At(trials, BudgetView.MinPoints(space.Parameters.Count));
        var finished = trials.Count(t => t.State != TrialState.Running);
        if (IsStalled(space, trials, direction, _phaseStart))
        {
            LastModel = LastModel == "gp" ? "cmaes" : "gp";
            if (LastModel == "cmaes") _cmaes.RestartAtBest();
            _phaseStart = trials.Count == 0 ? 0 : trials.Max(t => t.Number) + 1;
        }
        if (finished > MaxGpObservations) LastModel = "cmaes";
        return LastModel == "cmaes" ? _cmaes.Suggest(space, trials, direction) : _gp.Suggest(space, trials, direction);
    }

    /// <summary>
    /// Whether at least <see cref="Patience"/> trials numbered from <paramref name="phaseStart"/> on (the phase's own
    /// suggestions) and after the best completed trial have finished, none of them better. Counting the phase's own
    /// trials, not every trial that finished since it began, matters with parallel workers: the other model's running
    /// trials finish during the new phase, and with 8 workers they used up CMA-ES's patience before its first
    /// generation was complete, so it never ran on Rosenbrock-4. The patience grows by one per running trial: with w
    /// workers the w−1 trials suggested before an improvement was known finish after it without having seen it, and
    /// counting them switched a GP that was still descending to CMA-ES (Branin, 40 trials, 8 workers: median regret
    /// 0.094 → 0.002).
    /// </summary>
    public static bool IsStalled(SearchSpace space, IReadOnlyList<FrozenTrial> trials, StudyDirection direction, int phaseStart = 0)
    {
        var sign = direction == StudyDirection.Minimize ? 1.0 : -1.0;
        var finished = trials.Where(t => t.State != TrialState.Running).OrderBy(t => t.Number).ToList();
        var bestIndex = -1;
        var best = double.PositiveInfinity;
        for (var i = 0; i < finished.Count; i++)
            if (finished[i].State == TrialState.Complete && finished[i].Value is { } v && double.IsFinite(v) && sign * v < best)
                (best, bestIndex) = (sign * v, i);
        var running = trials.Count - finished.Count;
        return bestIndex >= 0 && finished.Skip(bestIndex + 1).Count(t => t.Number >= phaseStart) >= Patience(space) + running;
    }

    private sealed record State(string Gp, string Cmaes, string LastModel, int PhaseStart);

    public string SaveState() => JsonSerializer.Serialize(new State(_gp.SaveState(), _cmaes.SaveState(), LastModel, _phaseStart));

    public void LoadState(string state)
    {
        var s = JsonSerializer.Deserialize<State>(state) ?? throw new FormatException("auto sampler state is empty");
        _gp.LoadState(s.Gp);
        _cmaes.LoadState(s.Cmaes);
        LastModel = s.LastModel;
        _phaseStart = s.PhaseStart;
    }
}
