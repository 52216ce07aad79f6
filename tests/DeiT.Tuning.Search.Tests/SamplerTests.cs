using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Samplers;

namespace DeiT.Tuning.Search.Tests;

public class SamplerTests
{
    private static readonly SamplerOptions FastStartup = new() { StartupTrials = 5, GpCandidates = 256 };

    /// <summary>A smooth stand-in objective on the DeiT space (maximize), so model-based samplers leave startup.</summary>
    private static double Objective(IReadOnlyDictionary<string, ParamValue> p)
    {
        var lr = Math.Log10(p["lr"].Number);
        var value = -(lr + 3.3) * (lr + 3.3) - 0.5 * Math.Abs(p["drop_path"].Number - 0.1) - 0.01 * p["warmup_epochs"].Number;
        return p["distillation"].Choice == "hard" ? value + 0.2 : value;
    }

    private static (ISampler Sampler, List<FrozenTrial> History) Run(string name, int seed, int trials)
    {
        var space = SearchSpace.DeitDefault;
        var sampler = SamplerFactory.Create(name, seed, FastStartup);
        var history = new List<FrozenTrial>();
        for (var t = 0; t < trials; t++)
        {
            var x = sampler.Suggest(space, history, StudyDirection.Maximize);
            history.Add(Trials.Complete(t, x, Objective(x)));
        }
        return (sampler, history);
    }

    /// <summary>Sequential trials of a test function, each completed before the next suggestion.</summary>
    private static List<FrozenTrial> Minimize(ISampler sampler, Benchmarks.TestFunction function, int trials)
    {
        var history = new List<FrozenTrial>();
        for (var t = 0; t < trials; t++)
        {
            var x = sampler.Suggest(function.Space, history, StudyDirection.Minimize);
            history.Add(Trials.Complete(t, x, function[x]));
        }
        return history;
    }

    public static TheoryData<string> Names => new(SamplerFactory.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Suggestions_are_valid_and_deterministic_for_a_seed(string name)
    {
        var (_, a) = Run(name, 7, 9);
        var (_, b) = Run(name, 7, 9);
        var (_, c) = Run(name, 8, 9);
        foreach (var t in a) SearchSpace.DeitDefault.Validate(t.Params);
        Assert.Equal(a.Select(t => Describe(t.Params)), b.Select(t => Describe(t.Params)));
        Assert.NotEqual(a.Select(t => Describe(t.Params)), c.Select(t => Describe(t.Params)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_restored_sampler_makes_the_same_next_suggestions(string name)
    {
        var space = SearchSpace.DeitDefault;
        var (sampler, history) = Run(name, 3, 8);
        var restored = SamplerFactory.Create(name, 3, FastStartup);
        restored.LoadState(sampler.SaveState());
        for (var t = 8; t < 10; t++)
        {
            var expected = sampler.Suggest(space, history, StudyDirection.Maximize);
            var actual = restored.Suggest(space, history, StudyDirection.Maximize);
            Assert.Equal(Describe(expected), Describe(actual));
            history.Add(Trials.Complete(t, expected, Objective(expected)));
        }
        Assert.Equal(sampler.SaveState(), restored.SaveState());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Samplers_take_pruned_failed_and_running_trials_in_their_stride(string name)
    {
        var space = SearchSpace.DeitDefault;
        var feeder = SamplerFactory.Create("random", 11);
        var history = new List<FrozenTrial>();
        for (var t = 0; t < 16; t++)
        {
            var x = feeder.Suggest(space, history, StudyDirection.Maximize);
            var curve = Enumerable.Range(1, 1 + t % 4).ToDictionary(e => e, e => Objective(x) * e / 4.0);
            history.Add((t % 4) switch
            {
                0 => Trials.Complete(t, x, Objective(x)),
                1 => new FrozenTrial(t, TrialState.Pruned, x, null, curve),
                2 => new FrozenTrial(t, TrialState.Failed, x, null, curve.ToDictionary(kv => kv.Key, kv => double.NaN)),
                _ => new FrozenTrial(t, TrialState.Running, x, null, curve),
            });
        }
        var sampler = SamplerFactory.Create(name, 4, FastStartup);
        for (var k = 0; k < 2; k++)
        {
            var suggestion = sampler.Suggest(space, history, StudyDirection.Maximize);
            space.Validate(suggestion);
            history.Add(new FrozenTrial(history.Count, TrialState.Running, suggestion, null, new Dictionary<int, double>()));
        }

        // Failures are data: a model-based sampler counts a failed (diverged) trial as a bad observation, so where it
        // failed moves the next suggestion; the random and quasi-random samplers look at no values at all.
        var elsewhere = SamplerFactory.Create("random", 99);
        var moved = history.Select(t => t.State == TrialState.Failed ? t with { Params = elsewhere.Suggest(space, [], StudyDirection.Maximize) } : t).ToList();
        var asIs = Describe(SamplerFactory.Create(name, 4, FastStartup).Suggest(space, history, StudyDirection.Maximize));
        var afterMove = Describe(SamplerFactory.Create(name, 4, FastStartup).Suggest(space, moved, StudyDirection.Maximize));
        if (name is "random" or "sobol") Assert.Equal(asIs, afterMove);
        else Assert.NotEqual(asIs, afterMove);
    }

    [Theory]
    [InlineData("tpe", 40, 0.03)]
    [InlineData("tpe-multivariate", 40, 0.03)]
    [InlineData("gp", 15, 0.005)]
    public void Model_based_samplers_find_a_known_one_dimensional_optimum(string name, int trials, double tolerance)
    {
        // f(x) = (x − 0.3)² on [0, 1]: minimum at x = 0.3.
        var space = new SearchSpace([new FloatDistribution("x", 0, 1)]);
        var sampler = SamplerFactory.Create(name, 1, new SamplerOptions { StartupTrials = 5 });
        var history = new List<FrozenTrial>();
        for (var t = 0; t < trials; t++)
        {
            var x = sampler.Suggest(space, history, StudyDirection.Minimize);
            var v = x["x"].Number;
            history.Add(Trials.Complete(t, x, (v - 0.3) * (v - 0.3)));
        }
        var best = history.MinBy(t => t.Value!.Value)!;
        Assert.InRange(best.Params["x"].Number, 0.3 - tolerance, 0.3 + tolerance);
    }

    [Theory]
    [InlineData("tpe")]
    [InlineData("gp")]
    public void Running_trials_make_parallel_suggestions_differ(string name)
    {
        var space = new SearchSpace([new FloatDistribution("x", 0, 1), new FloatDistribution("y", 0, 1)]);
        var options = new SamplerOptions { StartupTrials = 5 };
        var history = new List<FrozenTrial>();
        var warmup = SamplerFactory.Create("sobol", 0);
        for (var t = 0; t < 12; t++)
        {
            var x = warmup.Suggest(space, history, StudyDirection.Minimize);
            history.Add(Trials.Complete(t, x, Math.Pow(x["x"].Number - 0.3, 2) + Math.Pow(x["y"].Number - 0.6, 2)));
        }
        var a = SamplerFactory.Create(name, 5, options);
        var b = SamplerFactory.Create(name, 5, options);
        b.LoadState(a.SaveState());
        var first = a.Suggest(space, history, StudyDirection.Minimize);
        var alone = b.Suggest(space, history, StudyDirection.Minimize);
        Assert.Equal(Describe(first), Describe(alone)); // same state, same history: same point
        var withPending = history.Append(new FrozenTrial(12, TrialState.Running, first, null, new Dictionary<int, double>())).ToList();
        var second = a.Suggest(space, withPending, StudyDirection.Minimize);
        var distance = Math.Sqrt(Math.Pow(first["x"].Number - second["x"].Number, 2) + Math.Pow(first["y"].Number - second["y"].Number, 2));
        Assert.True(distance > 1e-3, $"second suggestion {Describe(second)} repeats the pending {Describe(first)}");
    }

    [Fact]
    public void Gp_treats_failed_trials_as_the_worst_and_pruned_ones_as_no_better_than_the_median()
    {
        var space = new SearchSpace([new FloatDistribution("x", 0, 1)]);
        var encoder = new Gp.UnitCubeEncoder(space);
        var trials = new List<FrozenTrial>
        {
            Trials.Complete(0, Trials.X(0.1), 0.9),
            Trials.Complete(1, Trials.X(0.2), 0.5),
            Trials.Complete(2, Trials.X(0.3), 0.7),
            new(3, TrialState.Failed, Trials.X(0.4), null, new Dictionary<int, double>()),
            new(4, TrialState.Complete, Trials.X(0.5), double.NaN, new Dictionary<int, double>()),
            new(5, TrialState.Pruned, Trials.X(0.6), null, new Dictionary<int, double> { [1] = 0.2, [2] = 0.95 }),
            new(6, TrialState.Pruned, Trials.X(0.7), null, new Dictionary<int, double> { [1] = 0.1 }),
            new(7, TrialState.Running, Trials.X(0.8), null, new Dictionary<int, double>()),
        };
        var (x, y) = Samplers.GpSampler.Observations(encoder, trials, StudyDirection.Maximize);
        Assert.Equal(7, x.Count); // the running trial is a pending point, not an observation
        // Maximize → the model minimizes −value. Worst observed −value is −0.1 (the pruned trial 6).
        Assert.Equal([-0.9, -0.5, -0.7, -0.1, -0.1, -0.7, -0.1], y);
    }

    [Fact]
    public void Gp_suggestions_stay_off_the_corners_of_the_cube_once_it_has_converged()
    {
        // With a zero prior mean, EI late in a search sought the corners (largest variance): on Hartmann-6, seeds 0
        // and 1, 16 of 80 suggestions had all six coordinates at a bound. With the worst observation as the mean, none.
        var function = Benchmarks.TestFunction.Get("hartmann6");
        var corners = 0;
        foreach (var seed in new[] { 0, 1 })
        {
            var history = Minimize(new GpSampler(seed, new SamplerOptions(), warpOutputs: true), function, 40);
            corners += history.Count(t => t.Params.Values.All(v => v.Number is 0 or 1));
            Assert.True(history.Min(t => t.Value!.Value) - function.Minimum < 0.15, $"seed {seed} should still find a minimum");
        }
        Assert.Equal(0, corners);
    }

    [Fact]
    public void Gp_with_warped_outputs_resolves_the_optimum_of_a_skewed_function()
    {
        // Six-hump camel's values span −1.03…160, so the warp falls back from Yeo-Johnson. With the ranks as that
        // fallback the GP read the equal rank steps between near-equal values as noise: after 40 trials seeds 0, 2
        // and 4 were at regrets 1.09, 0.0027 and 0.0026. With the log above the best value, all five below 1e-3.
        var function = Benchmarks.TestFunction.Get("six_hump_camel");
        foreach (var seed in Enumerable.Range(0, 5))
        {
            var history = Minimize(new GpSampler(seed, new SamplerOptions(), warpOutputs: true), function, 40);
            var regret = history.Min(t => t.Value!.Value) - function.Minimum;
            Assert.True(regret < 1e-3, $"seed {seed}: regret {regret} after 40 trials");
        }
    }

    [Fact]
    public void Tpe_samples_like_random_during_startup()
    {
        var space = new SearchSpace([new FloatDistribution("x", 0, 1)]);
        var tpe = SamplerFactory.Create("tpe", 2);
        var random = SamplerFactory.Create("random", 2);
        var history = new List<FrozenTrial>();
        for (var t = 0; t < 10; t++)
        {
            var x = tpe.Suggest(space, history, StudyDirection.Minimize);
            Assert.Equal(Describe(random.Suggest(space, history, StudyDirection.Minimize)), Describe(x));
            history.Add(Trials.Complete(t, x, x["x"].Number));
        }
    }

    [Fact]
    public void Unknown_sampler_names_fail_listing_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => SamplerFactory.Create("hyperopt", 0));
        Assert.Contains("random, sobol, tpe, tpe-multivariate, gp, cmaes, auto", e.Message);
    }

    private static string Describe(IReadOnlyDictionary<string, ParamValue> p) =>
        string.Join(";", p.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value.Choice ?? kv.Value.Number.ToString("R")}"));
}
