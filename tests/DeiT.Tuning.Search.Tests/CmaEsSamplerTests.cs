using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Samplers;

namespace DeiT.Tuning.Search.Tests;

public class CmaEsSamplerTests
{
    private static readonly SearchSpace Box = new(Enumerable.Range(1, 4).Select(i => (Distribution)new FloatDistribution($"x{i}", -5, 5)));

    private static double Quadratic(IReadOnlyDictionary<string, ParamValue> p) =>
        Enumerable.Range(1, 4).Sum(i => i * Math.Pow(p[$"x{i}"].Number - 1, 2));

    [Fact]
    public void Converges_on_a_quadratic()
    {
        var sampler = new CmaEsSampler(1, new SamplerOptions());
        var history = new List<FrozenTrial>();
        for (var t = 0; t < 300; t++)
        {
            var x = sampler.Suggest(Box, history, StudyDirection.Minimize);
            history.Add(Trials.Complete(t, x, Quadratic(x)));
        }
        var firstGeneration = history.Take(7).Min(t => t.Value!.Value);
        var best = history.Min(t => t.Value!.Value);
        Assert.True(best < 1e-3, $"best {best}");
        Assert.True(firstGeneration > 1, $"first generation already at {firstGeneration}");
    }

    [Fact]
    public void The_generation_waits_for_lambda_finished_members_while_others_run()
    {
        // λ = 4 + ⌊3 ln 4⌋ = 8: with 8 trials running, the distribution has not moved, so a ninth suggestion comes
        // from the initial distribution; once they finish it is updated and the mean moves towards the optimum.
        var sampler = new CmaEsSampler(2, new SamplerOptions());
        var history = new List<FrozenTrial>();
        for (var t = 0; t < 8; t++)
        {
            var x = sampler.Suggest(Box, history, StudyDirection.Minimize);
            history.Add(new FrozenTrial(t, TrialState.Running, x, null, new Dictionary<int, double>()));
        }
        var before = sampler.SaveState();
        sampler.Suggest(Box, history, StudyDirection.Minimize);
        Assert.Contains("\"Generation\":0", sampler.SaveState());
        for (var t = 0; t < 8; t++) history[t] = history[t] with { State = TrialState.Complete, Value = Quadratic(history[t].Params) };
        sampler.Suggest(Box, history, StudyDirection.Minimize);
        Assert.Contains("\"Generation\":1", sampler.SaveState());
        Assert.DoesNotContain("\"Generation\":1", before);
    }

    [Fact]
    public void Members_still_running_when_a_generation_is_told_count_in_the_next_one()
    {
        // 16 suggestions run (λ = 8); the first 8 finish and generation 1 is told while 8 still run. When those finish
        // too they complete generation 2 — no new suggestion needed, none of the 16 evaluations wasted.
        var sampler = new CmaEsSampler(2, new SamplerOptions());
        var history = new List<FrozenTrial>();
        for (var t = 0; t < 16; t++)
        {
            var x = sampler.Suggest(Box, history, StudyDirection.Minimize);
            history.Add(new FrozenTrial(t, TrialState.Running, x, null, new Dictionary<int, double>()));
        }
        void Finish(int from, int to)
        {
            for (var t = from; t < to; t++) history[t] = history[t] with { State = TrialState.Complete, Value = Quadratic(history[t].Params) };
        }
        Finish(0, 8);
        history.Add(new FrozenTrial(16, TrialState.Running, sampler.Suggest(Box, history, StudyDirection.Minimize), null, new Dictionary<int, double>()));
        Assert.Contains("\"Generation\":1", sampler.SaveState());
        Finish(8, 16);
        sampler.Suggest(Box, history, StudyDirection.Minimize);
        Assert.Contains("\"Generation\":2", sampler.SaveState());
    }

    [Fact]
    public void Restarts_with_a_larger_population_after_converging()
    {
        var sampler = new CmaEsSampler(3, new SamplerOptions());
        var history = new List<FrozenTrial>();
        var space = new SearchSpace([new FloatDistribution("x", 0, 1), new FloatDistribution("y", 0, 1)]);
        for (var t = 0; t < 600 && sampler.Restarts == 0; t++)
        {
            var x = sampler.Suggest(space, history, StudyDirection.Minimize);
            history.Add(Trials.Complete(t, x, Math.Pow(x["x"].Number - 0.3, 2) + Math.Pow(x["y"].Number - 0.6, 2)));
        }
        Assert.Equal(1, sampler.Restarts);
        Assert.Contains("\"PopulationSize\":12", sampler.SaveState());
    }

    [Fact]
    public void Categorical_and_conditional_parameters_are_sampled_independently_and_valid()
    {
        var f = Search.Benchmarks.TestFunction.Get("mixed");
        var sampler = new CmaEsSampler(4, new SamplerOptions());
        var history = new List<FrozenTrial>();
        for (var t = 0; t < 60; t++)
        {
            var x = sampler.Suggest(f.Space, history, StudyDirection.Minimize);
            f.Space.Validate(x);
            history.Add(Trials.Complete(t, x, f[x]));
        }
        Assert.Equal(3, history.Select(t => t.Params["optimizer"].Choice).Distinct().Count());
        Assert.True(history.Skip(40).Min(t => t.Value!.Value) < history.Take(20).Min(t => t.Value!.Value));
    }

    [Fact]
    public void A_local_run_steps_as_far_as_the_next_best_trials_lie_from_the_best_and_restarts_at_the_new_best()
    {
        // Box is [-5, 5]⁴: 0.01 in x is 0.001 of the cube.
        static List<FrozenTrial> Around(double centre, double spread) =>
            Enumerable.Range(0, 12).Select(i => Trials.Complete(i,
                Enumerable.Range(1, 4).ToDictionary(d => $"x{d}", d => ParamValue.Of(centre + (i == 0 ? 0 : spread * Math.Sin(7.0 * i + d)))),
                i)).ToList();
        double FarthestOf(CmaEsSampler sampler, List<FrozenTrial> history, double centre) =>
            Enumerable.Range(0, 6).Max(_ => sampler.Suggest(Box, history, StudyDirection.Minimize).Values.Max(v => Math.Abs(v.Number - centre)));

        var tight = new CmaEsSampler(3, new SamplerOptions(), startAtBest: true);
        Assert.True(FarthestOf(tight, Around(1.0, 0.02), 1.0) < 0.15); // σ ≈ 0.0015 of the cube, not 0.1
        var wide = new CmaEsSampler(3, new SamplerOptions(), startAtBest: true);
        Assert.True(FarthestOf(wide, Around(1.0, 3.0), 1.0) > 0.5); // σ capped at 0.1 of the cube

        tight.RestartAtBest();
        Assert.True(FarthestOf(tight, Around(-2.0, 0.02), -2.0) < 0.15);
    }
}

