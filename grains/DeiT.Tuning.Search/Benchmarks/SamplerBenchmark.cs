using System.Diagnostics;
using DeiT.Tuning.Search.Random;
using DeiT.Tuning.Search.Samplers;

namespace DeiT.Tuning.Search.Benchmarks;

/// <summary>Simple regret of a sampler on a test function: the best value after a budget minus the known minimum.</summary>
public sealed record RegretResult(string Function, string Sampler, int Trials, int Workers, IReadOnlyList<double> Regrets)
{
    public double Median => Statistics.Median(Regrets);
    public double Mean => Regrets.Average();
}

/// <summary>Time of one suggestion by a fresh sampler that loads a history of n random observations.</summary>
public sealed record LatencyResult(string Sampler, int Observations, double Milliseconds);

public static class SamplerBenchmark
{
    /// <summary>
    /// Runs <paramref name="trials"/> trials with seeds 0…seeds−1 and records each run's simple regret after each
    /// finished trial. With more than one worker the run is asynchronous: each trial takes a random duration in
    /// [1, 2), the next suggestion is made when the earliest running trial finishes, and the sampler sees the other
    /// workers' trials as running.
    /// </summary>
    public static RegretCurves Curves(TestFunction function, string sampler, int trials, int seeds, int workers = 1, SamplerOptions? options = null)
    {
        var perSeed = new List<double[]>();
        for (var seed = 0; seed < seeds; seed++)
            perSeed.Add(BestCurve(function, SamplerFactory.Create(sampler, seed, options), trials, workers, seed)
                .Select(best => best - function.Minimum).ToArray());
        return new RegretCurves(function.Name, sampler, workers, perSeed);
    }

    /// <summary>The best value after each finished trial (in finishing order).</summary>
    private static double[] BestCurve(TestFunction function, ISampler sampler, int trials, int workers, int seed)
    {
        var durations = Rng.Derive(seed, 77);
        var history = new List<FrozenTrial>();
        var running = new List<(int Index, double FinishesAt)>();
        var curve = new double[trials];
        var best = double.PositiveInfinity;
        double now = 0;
        var finished = 0;
        while (finished < trials)
        {
            while (running.Count < workers && history.Count < trials)
            {
                var x = sampler.Suggest(function.Space, history, StudyDirection.Minimize);
                running.Add((history.Count, now + 1 + durations.NextDouble()));
                history.Add(new FrozenTrial(history.Count, TrialState.Running, x, null, new Dictionary<int, double>()));
            }
            var next = running.MinBy(r => r.FinishesAt);
            running.Remove(next);
            now = next.FinishesAt;
            var trial = history[next.Index];
            var value = function[trial.Params];
            history[next.Index] = trial with { State = TrialState.Complete, Value = value };
            best = Math.Min(best, value);
            curve[finished++] = best;
        }
        return curve;
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
