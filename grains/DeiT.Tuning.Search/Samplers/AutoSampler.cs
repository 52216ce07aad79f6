using System.Text.Json;
using DeiT.Tuning.Search.Distributions;

namespace DeiT.Tuning.Search.Samplers;

/// <summary>
/// The default sampler: GP Bayesian optimization while it keeps finding better configurations, CMA-ES where it is
/// lost. The GP (Sobol startup, Matérn-5/2, log-EI; handles int, categorical, conditional and running trials) is fitted
/// to rank-warped outputs (a Gaussian copula), so ill-conditioned objectives with a huge range do not flatten it; it
/// wins on smooth landscapes by a wide margin, while on rugged or ill-conditioned ones CMA-ES keeps descending where a
/// GP stalls. The switch:
/// <list type="bullet">
/// <item>a phase is stalled when the last <see cref="Patience"/> finished trials (max(10, 2·parameters)) since the
///   later of its start and its last improvement did not beat the best; the phase then hands over to the other model;</item>
/// <item>CMA-ES's first run is centred on the best trial with a narrow step (local refinement); later runs restart
///   IPOP-style from random points;</item>
/// <item>over <see cref="MaxGpObservations"/> finished trials: CMA-ES only, since the GP's cost grows as n³ (a GP suggestion
///   took seconds at 2,000 observations in `bench samplers --latency`; CMA-ES takes milliseconds).</item>
/// </list>
/// Both models and the stall test see the trials through <see cref="BudgetView"/>: while few trials have completed
/// (Hyperband, ASHA), at the largest epoch enough of them reached.
/// </summary>
public sealed class AutoSampler(int seed, SamplerOptions options) : ISampler
{
    public const int MaxGpObservations = 500;

    private readonly GpSampler _gp = new(seed, options, warpOutputs: true);
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
            _phaseStart = finished;
        }
        if (finished > MaxGpObservations) LastModel = "cmaes";
        return LastModel == "cmaes" ? _cmaes.Suggest(space, trials, direction) : _gp.Suggest(space, trials, direction);
    }

    /// <summary>
    /// Whether at least <see cref="Patience"/> trials have finished since the later of <paramref name="phaseStart"/>
    /// (a count of finished trials) and the best completed trial, none of them better.
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
        return bestIndex >= 0 && finished.Count - 1 - Math.Max(bestIndex, phaseStart - 1) >= Patience(space);
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
