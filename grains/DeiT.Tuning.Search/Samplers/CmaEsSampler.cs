using System.Globalization;
using System.Text.Json;
using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Random;
using DeiT.Tuning.Search.Samplers.Cmaes;

namespace DeiT.Tuning.Search.Samplers;

/// <summary>
/// CMA-ES over the unconditional numeric parameters (on the unit cube: log ranges warped, integers rounded when
/// decoded), with IPOP restarts: when a run converges it starts again from a random mean with twice the population.
/// Categorical and conditional parameters are sampled independently by TPE, as Optuna falls back to its independent
/// sampler for them. Asynchronous: every suggestion joins the current generation; the generation is told once λ of
/// its members have finished (recognized by their parameter values); members still running then join the next
/// generation (their steps are measured from its mean), so with many workers no evaluation is wasted — dropping them,
/// as Optuna does, threw away about half the trials with 8 workers (λ = 8 on Rosenbrock-4: 4× the sequential regret).
/// Failed, pruned and diverged trials rank last. With <paramref name="startAtBest"/> the first run starts at the best
/// finished trial with a step no wider than the spread of the next-best trials around it (local refinement, as
/// <see cref="AutoSampler"/> uses it); restarts go anywhere.
/// </summary>
public sealed class CmaEsSampler(int seed, SamplerOptions options, bool startAtBest = false) : ISampler
{
    private const double InitialSigma = 1.0 / 6;
    private const double LocalSigma = 0.1;
    private const double MinLocalSigma = 1e-3;

    private State _state = new(new Rng(seed).Save(), [], null, [], 0);
    private readonly TpeSampler _independent = new(seed + 7919, options, multivariate: false);

    public string Name => "cmaes";

    /// <summary>Restarts so far (IPOP); each doubles the population.</summary>
    public int Restarts => _state.Restarts;

    public IReadOnlyDictionary<string, ParamValue> Suggest(SearchSpace space, IReadOnlyList<FrozenTrial> trials, StudyDirection direction)
    {
        var dims = space.Parameters.Where(p => p is NumericDistribution && p.When is null).Cast<NumericDistribution>().ToList();
        var others = space.Parameters.Count > dims.Count
            ? _independent.Suggest(space, trials, direction)
            : new Dictionary<string, ParamValue>();
        if (dims.Count == 0) return others;

        var rng = Rng.Load(_state.Rng);
        if (!_state.Names.SequenceEqual(dims.Select(d => d.Name)) || _state.Cma is null)
            _state = new State(_state.Rng, dims.Select(d => d.Name).ToArray(), FirstRun(dims, trials, direction), [], _state.Restarts);
        var cma = TellFinishedGeneration(new CmaEs(_state.Cma!), dims, trials, direction, rng);

        var x = cma.Ask(rng);
        var assignment = new Dictionary<string, ParamValue>();
        for (var i = 0; i < dims.Count; i++) assignment[dims[i].Name] = ParamValue.Of(dims[i].FromUnit(x[i]));
        foreach (var p in space.Parameters)
            if (!assignment.ContainsKey(p.Name) && space.IsActive(p, assignment)) assignment[p.Name] = others[p.Name];
        _state = _state with { Rng = rng.Save(), Cma = cma.State, Members = [.. _state.Members, new Member(x, Key(dims, assignment))] };
        return assignment;
    }

    /// <summary>Tells the generation once λ members have finished; returns the CMA-ES to ask next (a new one after a restart).</summary>
    private CmaEs TellFinishedGeneration(CmaEs cma, List<NumericDistribution> dims, IReadOnlyList<FrozenTrial> trials, StudyDirection direction, Rng rng)
    {
        var finished = new Dictionary<string, Queue<double>>();
        foreach (var t in trials.Where(t => t.State != TrialState.Running).OrderBy(t => t.Number))
        {
            if (!dims.All(d => t.Params.ContainsKey(d.Name))) continue;
            var key = Key(dims, t.Params);
            if (!finished.TryGetValue(key, out var q)) finished[key] = q = new Queue<double>();
            q.Enqueue(Score(t, direction));
        }
        var evaluated = new List<(double[] X, double Value)>();
        var pending = new List<Member>();
        foreach (var m in _state.Members)
        {
            if (finished.TryGetValue(m.Key, out var q) && q.Count > 0) evaluated.Add((m.X, q.Dequeue()));
            else pending.Add(m);
        }
        if (evaluated.Count < cma.State.PopulationSize) return cma;

        cma.Tell(evaluated);
        var running = trials.Where(t => t.State == TrialState.Running && dims.All(d => t.Params.ContainsKey(d.Name)))
            .Select(t => Key(dims, t.Params)).ToHashSet();
        _state = _state with { Members = [.. pending.Where(m => running.Contains(m.Key))] };
        if (!cma.HasConverged(evaluated.Select(e => e.Value).ToList())) return cma;
        _state = _state with { Members = [] };
        var mean = Enumerable.Range(0, dims.Count).Select(_ => rng.NextDouble()).ToArray();
        _state = _state with { Restarts = _state.Restarts + 1 };
        return new CmaEs(CmaEs.Start(mean, InitialSigma, 2 * cma.State.PopulationSize));
    }

    private static double Score(FrozenTrial t, StudyDirection direction) =>
        t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v)
            ? (direction == StudyDirection.Minimize ? v : -v)
            : double.PositiveInfinity;

    private static string Key(List<NumericDistribution> dims, IReadOnlyDictionary<string, ParamValue> p) =>
        string.Join('|', dims.Select(d => p[d.Name].Number.ToString("R", CultureInfo.InvariantCulture)));

    private CmaEsState FirstRun(List<NumericDistribution> dims, IReadOnlyList<FrozenTrial> trials, StudyDirection direction)
    {
        var population = CmaEs.DefaultPopulation(dims.Count);
        var best = trials.Where(t => dims.All(d => t.Params.ContainsKey(d.Name)) && double.IsFinite(Score(t, direction)))
            .MinBy(t => Score(t, direction));
        if (!startAtBest || best is null) return CmaEs.Start(Enumerable.Repeat(0.5, dims.Count).ToArray(), InitialSigma, population);
        double[] Unit(FrozenTrial t) => dims.Select(d => d.ToUnit(t.Params[d.Name].Number)).ToArray();
        var centre = Unit(best);
        var neighbours = trials.Where(t => t != best && dims.All(d => t.Params.ContainsKey(d.Name)) && double.IsFinite(Score(t, direction)))
            .OrderBy(t => Score(t, direction)).Take(population - 1).Select(Unit).ToList();
        if (neighbours.Count == 0) return CmaEs.Start(centre, LocalSigma, population);
        // The step is the spread of the next-best trials around the best: a model that converged leaves them close
        // (six-hump camel: 0.1 was ten times too wide and CMA-ES spent its trials shrinking), a stalled one far.
        var meanSquare = neighbours.Average(x => x.Zip(centre, (a, b) => (a - b) * (a - b)).Sum() / dims.Count);
        return CmaEs.Start(centre, Math.Clamp(Math.Sqrt(meanSquare), MinLocalSigma, LocalSigma), population);
    }

    /// <summary>The next suggestion starts a new local run at the best finished trial (<see cref="AutoSampler"/>'s re-entry).</summary>
    public void RestartAtBest() => _state = _state with { Cma = null, Members = [] };

    public string SaveState() => JsonSerializer.Serialize(new SavedState(_state, _independent.SaveState()));

    public void LoadState(string state)
    {
        var saved = JsonSerializer.Deserialize<SavedState>(state) ?? throw new FormatException("CMA-ES sampler state is empty");
        _state = saved.Cma;
        _independent.LoadState(saved.Independent);
    }

    private sealed record Member(double[] X, string Key);

    private sealed record State(string Rng, string[] Names, CmaEsState? Cma, Member[] Members, int Restarts);

    private sealed record SavedState(State Cma, string Independent);
}
