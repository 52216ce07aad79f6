using DeiT.Tuning.Search.Gp;
using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Samplers;

namespace DeiT.Tuning.Search.Tests;

public class AutoSamplerTests
{
    private static readonly SearchSpace Plane = new([new FloatDistribution("x", 0, 1), new FloatDistribution("y", 0, 1)]);

    private static List<FrozenTrial> History(params double[] values) =>
        values.Select((v, i) => Trials.Complete(i, new Dictionary<string, ParamValue>
        {
            ["x"] = ParamValue.Of((i * 0.37) % 1), ["y"] = ParamValue.Of((i * 0.61) % 1),
        }, v)).ToList();

    [Fact]
    public void A_phase_stalls_after_patience_trials_without_improvement()
    {
        Assert.Equal(10, AutoSampler.Patience(Plane));
        var improving = History(Enumerable.Range(0, 20).Select(i => 20.0 - i).ToArray());
        Assert.False(AutoSampler.IsStalled(Plane, improving, StudyDirection.Minimize));
        var flat = History([.. Enumerable.Range(0, 10).Select(i => 20.0 - i), .. Enumerable.Repeat(50.0, 10)]);
        Assert.True(AutoSampler.IsStalled(Plane, flat, StudyDirection.Minimize));
        Assert.False(AutoSampler.IsStalled(Plane, flat, StudyDirection.Maximize)); // the 50s are improvements
        Assert.False(AutoSampler.IsStalled(Plane, flat, StudyDirection.Minimize, phaseStart: 15)); // a phase that began later
    }

    [Fact]
    public void With_parallel_workers_only_the_phases_own_trials_use_up_its_patience()
    {
        // The phase began when trial 24 was suggested; trials 10…23 (the other model's, still running then) finished
        // after it began, flat, but only six of the phase's own trials have finished.
        var flat = History([.. Enumerable.Range(0, 10).Select(i => 20.0 - i), .. Enumerable.Repeat(50.0, 20)]);
        Assert.False(AutoSampler.IsStalled(Plane, flat, StudyDirection.Minimize, phaseStart: 24));
        var longer = History([.. Enumerable.Range(0, 10).Select(i => 20.0 - i), .. Enumerable.Repeat(50.0, 24)]);
        Assert.True(AutoSampler.IsStalled(Plane, longer, StudyDirection.Minimize, phaseStart: 24));
    }

    [Fact]
    public void Each_running_trial_adds_one_to_the_patience()
    {
        // Trials suggested before the improvement was known finish after it: with w workers, w − 1 of them.
        var flat = History([.. Enumerable.Range(0, 10).Select(i => 20.0 - i), .. Enumerable.Repeat(50.0, 10)]);
        Assert.True(AutoSampler.IsStalled(Plane, flat, StudyDirection.Minimize));
        var running = Enumerable.Range(20, 3).Select(n => Trials.Running(n, flat[0].Params));
        Assert.False(AutoSampler.IsStalled(Plane, [.. flat, .. running], StudyDirection.Minimize));
        var longer = History([.. Enumerable.Range(0, 10).Select(i => 20.0 - i), .. Enumerable.Repeat(50.0, 13)]);
        var stillRunning = Enumerable.Range(23, 3).Select(n => Trials.Running(n, flat[0].Params));
        Assert.True(AutoSampler.IsStalled(Plane, [.. longer, .. stillRunning], StudyDirection.Minimize));
    }

    [Fact]
    public void Switches_to_cmaes_centred_on_the_best_when_the_gp_stalls_and_back_when_cmaes_stalls()
    {
        var sampler = new AutoSampler(5, new SamplerOptions { GpCandidates = 64 });
        var improving = History(Enumerable.Range(0, 12).Select(i => 20.0 - i).ToArray());
        sampler.Suggest(Plane, improving, StudyDirection.Minimize);
        Assert.Equal("gp", sampler.LastModel);

        var stalled = History([.. Enumerable.Range(0, 10).Select(i => 20.0 - i), .. Enumerable.Repeat(50.0, 10)]);
        var best = stalled[9].Params;
        var suggestion = sampler.Suggest(Plane, stalled, StudyDirection.Minimize);
        Assert.Equal("cmaes", sampler.LastModel);
        // The CMA-ES run is local, around the best trial (σ here 0.1 of the cube: the next-best trials lie far).
        Assert.True(Math.Abs(suggestion["x"].Number - best["x"].Number) < 0.5 && Math.Abs(suggestion["y"].Number - best["y"].Number) < 0.5);

        var longer = History([.. Enumerable.Range(0, 10).Select(i => 20.0 - i), .. Enumerable.Repeat(50.0, 20)]);
        sampler.Suggest(Plane, longer, StudyDirection.Minimize);
        Assert.Equal("gp", sampler.LastModel);
    }

    [Fact]
    public void Pending_trials_change_the_next_suggestion()
    {
        var f = Search.Benchmarks.TestFunction.Get("branin");
        var history = new List<FrozenTrial>();
        var warmup = new AutoSampler(1, new SamplerOptions { GpCandidates = 128 });
        for (var t = 0; t < 12; t++)
        {
            var x = warmup.Suggest(f.Space, history, StudyDirection.Minimize);
            history.Add(Trials.Complete(t, x, f[x]));
        }
        var state = warmup.SaveState();
        var alone = new AutoSampler(1, new SamplerOptions { GpCandidates = 128 });
        alone.LoadState(state);
        var first = alone.Suggest(f.Space, history, StudyDirection.Minimize);

        var parallel = new AutoSampler(1, new SamplerOptions { GpCandidates = 128 });
        parallel.LoadState(state);
        var running = new FrozenTrial(12, TrialState.Running, first, null, new Dictionary<int, double>());
        var second = parallel.Suggest(f.Space, [.. history, running], StudyDirection.Minimize);
        var distance = Math.Sqrt(Math.Pow((first["x1"].Number - second["x1"].Number) / 15, 2) + Math.Pow((first["x2"].Number - second["x2"].Number) / 15, 2));
        Assert.True(distance > 1e-3, $"the second worker got the running trial's point again ({distance})");
    }

    [Fact]
    public void Log_warp_keeps_order_and_the_spacing_near_the_best_value()
    {
        // Six-hump camel near its optimum, with its long tail: the two best differ by 6e-4.
        double[] y = [-1.0316, -1.0310, -0.9, -0.2, 2.1, 5.0, 30, 160, 12, 0.7];
        var warped = OutputWarp.LogAboveBest(y);
        var order = Enumerable.Range(0, y.Length).OrderBy(i => y[i]).ToArray();
        for (var k = 1; k < order.Length; k++) Assert.True(warped[order[k - 1]] < warped[order[k]]);
        Assert.Equal(0, warped.Average(), 12);
        Assert.Equal(1, Math.Sqrt(warped.Average(v => v * v)), 12);
        // Ranks put the two best 0.61 apart (of a range of 3.29); the log keeps them nearly as close as the values are.
        Assert.True(warped[1] - warped[0] < 0.01, $"the two best are {warped[1] - warped[0]} apart");
        Assert.True(warped.Max() - warped.Min() > 2.5);
    }

    [Theory]
    // scipy 1.10 (Debian's python3-scipy): z = (y − mean) / std; t, λ = scipy.stats.yeojohnson(z); (t − mean) / std.
    [InlineData(new[] { 0.5, 1.2, 3.3, 0.1, 8.0, 2.2, 0.9, 15.0 }, -0.7328990833971296,
        new[] { -0.967606128965, -0.516839599289, 0.451015804963, -1.257104748416, 1.291044171182, 0.011698581608, -0.701530587153, 1.68932250607 })]
    [InlineData(new[] { -3.8, -3.1, -0.2, -0.05, -0.5, -1.2, -0.01, -0.3, -2.5 }, 2.0482628603368793,
        new[] { -1.500977576562, -1.293028859436, 0.844219326908, 1.07170716817, 0.431294925984, -0.316005430369, 1.134745464706, 0.700358451994, -1.072313471396 })]
    public void Yeo_johnson_lambda_and_values_equal_scipys(double[] y, double scipyLambda, double[] scipyWarped)
    {
        var (warped, lambda) = OutputWarp.YeoJohnson(y);
        Assert.Equal(scipyLambda, lambda, tolerance: 1e-6);
        for (var i = 0; i < y.Length; i++) Assert.Equal(scipyWarped[i], warped[i], tolerance: 1e-6);
    }

    [Fact]
    public void The_warp_is_a_power_where_one_makes_the_values_symmetric_and_the_log_where_none_does()
    {
        var smooth = new[] { 0.5, 1.2, 3.3, 0.1, 8.0, 2.2, 0.9, 15.0 };
        Assert.Equal(OutputWarp.YeoJohnson(smooth).Warped, OutputWarp.Apply(smooth));
        // Rosenbrock-like: most values near 10⁴, a few good ones near 0, one far outlier.
        var crowded = new[] { 3.0, 9e3, 1.1e4, 1.2e4, 8e3, 1e4, 9.5e3, 1.05e4, 2e6, 1.15e4 };
        Assert.Equal(OutputWarp.LogAboveBest(crowded), OutputWarp.Apply(crowded));
    }
}
