using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Pruners;
using DeiT.Tuning.Search.Samplers;

namespace DeiT.Tuning.Search.Tests;

public class MultiFidelityTests
{
    private static readonly SearchSpace Line = new([new FloatDistribution("x", 0, 1)]);

    private static FrozenTrial Trial(int number, TrialState state, double x, params double[] curve)
    {
        var reports = curve.Select((v, i) => (Step: i + 1, Value: v)).ToDictionary(r => r.Step, r => r.Value);
        return new FrozenTrial(number, state, Trials.X(x), state == TrialState.Complete ? curve[^1] : null, reports);
    }

    /// <summary>
    /// Two completed trials near x = 0.2 (final 0.30, but 0.80 at epoch 3) and sixteen pruned at epoch 3: eight near
    /// x = 0.8 at 0.40, eight in between at 0.90. At epoch 3 — the budget all of them reached — x ≈ 0.8 is best; ranked
    /// as before (completed first, then pruned) the two completed trials near 0.2 would lead.
    /// </summary>
    private static List<FrozenTrial> CurvesBestNearPointEight()
    {
        var trials = new List<FrozenTrial>
        {
            Trial(0, TrialState.Complete, 0.18, 0.95, 0.9, 0.80, 0.6, 0.5, 0.4, 0.35, 0.32, 0.30),
            Trial(1, TrialState.Complete, 0.22, 0.95, 0.9, 0.80, 0.6, 0.5, 0.4, 0.35, 0.32, 0.30),
        };
        for (var i = 0; i < 8; i++)
        {
            trials.Add(Trial(trials.Count, TrialState.Pruned, 0.76 + 0.01 * i, 0.6, 0.5, 0.40));
            trials.Add(Trial(trials.Count, TrialState.Pruned, 0.35 + 0.03 * i, 0.99, 0.95, 0.90));
        }
        return trials;
    }

    [Fact]
    public void The_view_observes_every_trial_at_the_largest_epoch_enough_of_them_reached()
    {
        var trials = CurvesBestNearPointEight();
        Assert.Equal(3, BudgetView.Budget(trials, BudgetView.MinPoints(1)));
        var view = BudgetView.At(trials, BudgetView.MinPoints(1));
        Assert.All(view, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(0.80, view[0].Value);
        Assert.Equal(0.40, view[2].Value);
        Assert.Equal([1, 2, 3], view[0].Intermediate.Keys.Order());

        // A trial stopped before that epoch stays pruned; running trials stay pending.
        List<FrozenTrial> more = [.. trials, Trial(18, TrialState.Pruned, 0.5, 0.97), Trial(19, TrialState.Running, 0.6, 0.7, 0.6)];
        var moreView = BudgetView.At(more, BudgetView.MinPoints(1));
        Assert.Equal(TrialState.Pruned, moreView[18].State);
        Assert.Equal(TrialState.Running, moreView[19].State);

        // Enough completed trials: the model fits final values, the trials are left as they are.
        List<FrozenTrial> finished = [.. trials, Trial(18, TrialState.Complete, 0.5, 0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.45, 0.42, 0.41)];
        Assert.Same(finished, BudgetView.At(finished, BudgetView.MinPoints(1)));
    }

    [Theory]
    [InlineData("tpe")]
    [InlineData("gp")]
    [InlineData("auto")]
    public void A_sampler_fed_pruned_trials_goes_where_the_curves_are_best(string name)
    {
        var trials = CurvesBestNearPointEight();
        var near = 0;
        for (var seed = 0; seed < 10; seed++)
        {
            var x = SamplerFactory.Create(name, seed).Suggest(Line, trials, StudyDirection.Minimize)["x"].Number;
            if (x > 0.6) near++;
        }
        Assert.True(near >= 8, $"{name}: {near} of 10 suggestions near x = 0.8");
    }

    [Fact]
    public void Hyperband_lets_the_sampler_see_only_the_new_trials_bracket()
    {
        var hyperband = (HyperbandPruner)PrunerFactory.Create("hyperband:min_resource=1,max_resource=27,reduction_factor=3");
        var rng = new System.Random(3);
        var trials = Enumerable.Range(-2, 62).Select(n => Trials.Complete(n, Trials.X(rng.NextDouble()), rng.NextDouble())).ToList();
        var number = trials.Count;
        var seen = hyperband.TrialsForSampling(number, trials);

        var bracket = hyperband.BracketOf(number);
        Assert.Equal(trials.Where(t => t.Number < 0 || hyperband.BracketOf(t.Number) == bracket), seen);
        Assert.InRange(seen.Count, 3, trials.Count - 10);
        Assert.Same(trials, PrunerFactory.Create("asha").TrialsForSampling(number, trials));

        // What other brackets hold does not change the suggestion: the same sampler state and the same bracket's
        // trials give the same configuration, whatever the other brackets' trials are.
        var others = trials.Select(t => hyperband.BracketOf(t.Number) == bracket || t.Number < 0 ? t : t with { Value = 1 - t.Value }).ToList();
        var a = SamplerFactory.Create("tpe", 5).Suggest(Line, hyperband.TrialsForSampling(number, trials), StudyDirection.Minimize);
        var b = SamplerFactory.Create("tpe", 5).Suggest(Line, hyperband.TrialsForSampling(number, others), StudyDirection.Minimize);
        var unfiltered = SamplerFactory.Create("tpe", 5).Suggest(Line, others, StudyDirection.Minimize);
        Assert.Equal(a["x"], b["x"]);
        Assert.NotEqual(a["x"], unfiltered["x"]);
    }
}
