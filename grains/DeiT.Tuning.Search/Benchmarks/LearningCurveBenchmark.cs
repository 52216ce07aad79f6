using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Pruners;
using DeiT.Tuning.Search.Samplers;

namespace DeiT.Tuning.Search.Benchmarks;

/// <summary>Simple regret of the best completed trial after a budget of epochs spent (all trials, pruned ones included).</summary>
public sealed record LearningCurveResult(string Sampler, string Pruner, int Epochs, IReadOnlyList<double> Regrets)
{
    public double Median => Statistics.Median(Regrets);
}

/// <summary>
/// A synthetic training run with crossing learning curves: value(x, e) = final(x) + exp(−e·rate(x)), final(x) =
/// 0.1 + (x1 − 0.7)² + (x2 − 0.3)², rate(x) = 3(1 − x1)² + 0.05. Small x1 converges fast to a poor final value, the
/// optimum (x1 = 0.7) slowly, so a pruner that trusts early epochs is misled. Trials run up to
/// <see cref="MaxEpochs"/> epochs; regret is the best completed trial's last value minus 0.1. deploy/learning_curves_optuna.py
/// runs the same function with Optuna's TPE and HyperbandPruner. As in a study, the sampler sees only the trials the
/// pruner lets it (under Hyperband: the new trial's bracket).
/// </summary>
public static class LearningCurveBenchmark
{
    public const int MaxEpochs = 27;
    public const double Minimum = 0.1;

    public static readonly SearchSpace Space = new([new FloatDistribution("x1", 0, 1), new FloatDistribution("x2", 0, 1)]);

    public static double Value(IReadOnlyDictionary<string, ParamValue> p, int epoch)
    {
        double x1 = p["x1"].Number, x2 = p["x2"].Number;
        var final = Minimum + Math.Pow(x1 - 0.7, 2) + Math.Pow(x2 - 0.3, 2);
        return final + Math.Exp(-epoch * (3 * Math.Pow(1 - x1, 2) + 0.05));
    }

    /// <summary>Sequential trials until max(budgets) epochs are spent, seeds 0…seeds−1; pruner "none" or a pruner spec.</summary>
    public static IReadOnlyList<LearningCurveResult> Run(string sampler, string pruner, IReadOnlyList<int> epochBudgets, int seeds)
    {
        var regrets = epochBudgets.Select(_ => new double[seeds]).ToArray();
        for (var seed = 0; seed < seeds; seed++)
        {
            var s = SamplerFactory.Create(sampler, seed);
            var p = pruner == "none" ? null : PrunerFactory.Create(pruner);
            var history = new List<FrozenTrial>();
            var spent = 0;
            var best = double.PositiveInfinity;
            var bestAt = new List<(int Epochs, double Best)>();
            while (spent < epochBudgets.Max())
            {
                var number = history.Count;
                var x = s.Suggest(Space, p is null ? history : p.TrialsForSampling(number, history), StudyDirection.Minimize);
                var reports = new Dictionary<int, double>();
                var state = TrialState.Complete;
                for (var epoch = 1; epoch <= MaxEpochs; epoch++)
                {
                    reports[epoch] = Value(x, epoch);
                    spent++;
                    var running = new FrozenTrial(number, TrialState.Running, x, null, reports);
                    if (epoch < MaxEpochs && p is not null && p.ShouldPrune(running, [.. history, running], StudyDirection.Minimize))
                    {
                        state = TrialState.Pruned;
                        break;
                    }
                }
                var value = state == TrialState.Complete ? reports[MaxEpochs] : (double?)null;
                history.Add(new FrozenTrial(number, state, x, value, new Dictionary<int, double>(reports)));
                if (value is { } v) best = Math.Min(best, v);
                bestAt.Add((spent, best));
            }
            for (var b = 0; b < epochBudgets.Count; b++)
            {
                var within = bestAt.Where(e => e.Epochs <= epochBudgets[b]).Select(e => e.Best).DefaultIfEmpty(double.PositiveInfinity).Min();
                regrets[b][seed] = within - Minimum;
            }
        }
        return epochBudgets.Select((e, i) => new LearningCurveResult(sampler, pruner, e, regrets[i])).ToList();
    }
}
