using System.Diagnostics;
using DeiT.Tuning.Search.Samplers;

namespace DeiT.Tuning.Search.Benchmarks;

/// <summary>Simple regret of a sampler on a test function: the best value after a budget minus the known minimum.</summary>
public sealed record RegretResult(string Function, string Sampler, int Trials, IReadOnlyList<double> Regrets)
{
    public double Median => Statistics.Median(Regrets);
    public double Mean => Regrets.Average();
}

/// <summary>Time of one suggestion by a fresh sampler that loads a history of n random observations.</summary>
public sealed record LatencyResult(string Sampler, int Observations, double Milliseconds);

public static class SamplerBenchmark
{
    /// <summary>Runs <paramref name="trials"/> sequential trials with seeds 0…seeds−1 and records each run's simple regret.</summary>
    public static RegretResult Regret(TestFunction function, string sampler, int trials, int seeds, SamplerOptions? options = null)
    {
        var regrets = new double[seeds];
        for (var seed = 0; seed < seeds; seed++)
        {
            var s = SamplerFactory.Create(sampler, seed, options);
            var history = new List<FrozenTrial>();
            var best = double.PositiveInfinity;
            for (var t = 0; t < trials; t++)
            {
                var x = s.Suggest(function.Space, history, StudyDirection.Minimize);
                var value = function[x];
                best = Math.Min(best, value);
                history.Add(new FrozenTrial(t, TrialState.Complete, x, value, new Dictionary<int, double>()));
            }
            regrets[seed] = best - function.Minimum;
        }
        return new RegretResult(function.Name, sampler, trials, regrets);
    }

    /// <summary>
    /// Cold latency: a new sampler (no warm-started fit) suggests once after <paramref name="observations"/> random
    /// completed trials of <paramref name="function"/>; the median of <paramref name="repeats"/> timings.
    /// </summary>
    public static LatencyResult Latency(TestFunction function, string sampler, int observations, int repeats = 3, SamplerOptions? options = null)
    {
        var random = new RandomSampler(12345);
        var history = new List<FrozenTrial>();
        for (var t = 0; t < observations; t++)
        {
            var x = random.Suggest(function.Space, history, StudyDirection.Minimize);
            history.Add(new FrozenTrial(t, TrialState.Complete, x, function[x], new Dictionary<int, double>()));
        }
        var times = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            var s = SamplerFactory.Create(sampler, r, options);
            var watch = Stopwatch.StartNew();
            s.Suggest(function.Space, history, StudyDirection.Minimize);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return new LatencyResult(sampler, observations, times.Order().ElementAt(times.Count / 2));
    }
}
