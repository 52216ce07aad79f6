using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Random;
using DeiT.Tuning.Search.Samplers.Tpe;

namespace DeiT.Tuning.Search.Samplers;

/// <summary>
/// Tree-structured Parzen Estimator as Optuna 3.1 runs it: after the startup trials (uniform random), trials are
/// ranked, the best γ(n) = min(⌈0.1·n⌉, 25) form l(x) and the rest g(x); 24 candidates drawn from l(x) are scored by
/// log l(x) − log g(x) and the best is suggested. Ranking: completed trials by value, then pruned trials by the
/// step they reached (further is better) and their value there, then — always in g(x) — running trials (constant
/// liar) and failed trials, so the sampler learns to avoid configurations that diverge. While few trials have
/// completed (pruned ones abound under Hyperband), trials are ranked at the largest epoch enough of them reached
/// (<see cref="BudgetView"/>, BOHB-style). Independent mode models
/// each parameter alone; multivariate mode models the unconditional parameters jointly (conditional ones
/// independently, on the trials that have them).
/// </summary>
public sealed class TpeSampler(int seed, SamplerOptions options, bool multivariate) : ISampler
{
    private Rng _rng = new(seed);

    public string Name => multivariate ? "tpe-multivariate" : "tpe";

    public int StartupTrials => options.StartupTrials ?? 10;

    public IReadOnlyDictionary<string, ParamValue> Suggest(SearchSpace space, IReadOnlyList<FrozenTrial> trials, StudyDirection direction)
    {
        var finished = trials.Count(t => t.State is TrialState.Complete or TrialState.Pruned);
        if (finished < StartupTrials) return UnitCube.Assign(space, _ => _rng.NextDouble());

        var ranked = Rank(BudgetView.At(trials, BudgetView.MinPoints(space.Parameters.Count)), direction);
        var assignment = new Dictionary<string, ParamValue>();
        if (multivariate)
        {
            var joint = space.Parameters.Where(p => p.When is null).ToList();
            var values = SampleGroup(joint, ranked);
            for (var i = 0; i < joint.Count; i++) assignment[joint[i].Name] = values[i];
        }
        foreach (var p in space.Parameters)
        {
            if (assignment.ContainsKey(p.Name) || !space.IsActive(p, assignment)) continue;
            assignment[p.Name] = SampleGroup([p], ranked)[0];
        }
        return assignment;
    }

    private ParamValue[] SampleGroup(IReadOnlyList<Distribution> group, IReadOnlyList<Ranked> ranked)
    {
        // As Optuna: γ splits all finished trials, then each side keeps the trials that carry every parameter of the
        // group (a conditional parameter's l(x) may hold fewer than γ trials), in chronological order.
        bool Usable(Ranked r) => group.All(p => r.Trial.Params.TryGetValue(p.Name, out var v) && p.Contains(v));
        if (!ranked.Any(Usable)) return group.Select(p => UnitCube.Decode(p, _rng.NextDouble())).ToArray();

        var finished = ranked.Count(r => r.Trial.State is TrialState.Complete or TrialState.Pruned);
        var below = Math.Min((int)Math.Ceiling(0.1 * finished), 25);
        double[] Row(Ranked r) => group.Select(p => Internal(p, r.Trial.Params[p.Name])).ToArray();
        var lower = ranked.Take(below).Where(Usable).OrderBy(r => r.Trial.Number).Select(Row).ToList();
        var upper = ranked.Skip(below).Where(Usable).OrderBy(r => r.Trial.Number).Select(Row).ToList();

        var l = new ParzenEstimator(group, lower, options.PriorWeight, multivariate);
        var g = new ParzenEstimator(group, upper, options.PriorWeight, multivariate);
        var candidates = l.Sample(_rng, options.EiCandidates);
        var best = candidates[0];
        var bestScore = double.NegativeInfinity;
        foreach (var c in candidates)
        {
            var score = l.LogPdf(c) - g.LogPdf(c);
            if (score > bestScore)
            {
                bestScore = score;
                best = c;
            }
        }
        return group.Select((p, d) => External(p, best[d])).ToArray();
    }

    private static double Internal(Distribution p, ParamValue v) => p switch
    {
        NumericDistribution n => n.Warp(v.Number),
        CategoricalDistribution c => c.IndexOf(v),
        _ => throw new NotSupportedException(p.GetType().Name),
    };

    private static ParamValue External(Distribution p, double x) => p switch
    {
        NumericDistribution n => ParamValue.Of(n.Unwarp(x)),
        CategoricalDistribution c => ParamValue.Of(c.Choices[(int)x]),
        _ => throw new NotSupportedException(p.GetType().Name),
    };

    private readonly record struct Ranked(FrozenTrial Trial, double Tier, double Score);

    /// <summary>Best first: lexicographic (tier, score), lower is better; a stable sort keeps ties chronological.</summary>
    private IReadOnlyList<Ranked> Rank(IReadOnlyList<FrozenTrial> trials, StudyDirection direction)
    {
        var sign = direction == StudyDirection.Minimize ? 1.0 : -1.0;
        var list = new List<Ranked>();
        foreach (var t in trials)
        {
            switch (t.State)
            {
                case TrialState.Complete when t.Value is { } v && double.IsFinite(v):
                    list.Add(new Ranked(t, double.NegativeInfinity, sign * v));
                    break;
                case TrialState.Pruned when t.Intermediate.Count > 0:
                    var step = t.Intermediate.Keys.Max();
                    var iv = t.Intermediate[step];
                    list.Add(new Ranked(t, -step, double.IsNaN(iv) ? double.PositiveInfinity : sign * iv));
                    break;
                case TrialState.Pruned:
                    list.Add(new Ranked(t, 1, 0));
                    break;
                case TrialState.Running when options.ConstantLiar:
                case TrialState.Complete: // NaN or infinite value: diverged
                case TrialState.Failed:
                    list.Add(new Ranked(t, double.PositiveInfinity, 0));
                    break;
            }
        }
        return list.OrderBy(r => r.Tier).ThenBy(r => r.Score).ThenBy(r => r.Trial.Number).ToList();
    }

    public string SaveState() => _rng.Save();

    public void LoadState(string state) => _rng = Rng.Load(state);
}
