using DeiT.Tuning.Search.Pruners;

namespace DeiT.Tuning.Search.Tests;

public class PrunerTests
{
    /// <summary>Reports the trial's values one step at a time; returns the step at which it was pruned, or null.</summary>
    private static int? Drive(IPruner pruner, List<FrozenTrial> study, int number, StudyDirection direction, params double[] values)
    {
        var reports = new Dictionary<int, double>();
        for (var i = 0; i < values.Length; i++)
        {
            reports[i + 1] = values[i];
            var trial = new FrozenTrial(number, TrialState.Running, new Dictionary<string, ParamValue>(), null, new Dictionary<int, double>(reports));
            if (pruner.ShouldPrune(trial, study, direction))
            {
                study.Add(trial with { State = TrialState.Pruned });
                return i + 1;
            }
        }
        study.Add(new FrozenTrial(number, TrialState.Complete, new Dictionary<string, ParamValue>(), values[^1], reports));
        return null;
    }

    [Fact]
    public void Asha_promotions_equal_the_hand_computed_rung_table()
    {
        // η = 2, min resource 1: rungs at steps 1, 2, 4. A trial continues past a rung if it is in the top ⌊n/2⌋
        // (at least the best) of the n values recorded there so far.
        //   trial  step1  step2  step3  step4   rung 0 (step 1)          rung 1 (step 2)       rung 2 (step 4)
        //   0      .50    .60    .65    .70     [.50] best → on          [.60] → on            [.70] → on (completes)
        //   1      .40                          [.5 .4] top 1 = .5 → cut
        //   2      .55    .58                   [.5 .4 .55] top 1 → on   [.6 .58] → cut
        //   3      .45                          4 values, top 2 ≥ .5 → cut
        //   4      .52    .61    .62    .69     5 values, top 2 ≥ .52 → on  [.6 .58 .61] → on   [.7 .69] → cut
        var pruner = PrunerFactory.Create("asha:min_resource=1,reduction_factor=2");
        var study = new List<FrozenTrial>();
        Assert.Null(Drive(pruner, study, 0, StudyDirection.Maximize, 0.50, 0.60, 0.65, 0.70));
        Assert.Equal(1, Drive(pruner, study, 1, StudyDirection.Maximize, 0.40, 0.9));
        Assert.Equal(2, Drive(pruner, study, 2, StudyDirection.Maximize, 0.55, 0.58, 0.9));
        Assert.Equal(1, Drive(pruner, study, 3, StudyDirection.Maximize, 0.45, 0.9));
        Assert.Equal(4, Drive(pruner, study, 4, StudyDirection.Maximize, 0.52, 0.61, 0.62, 0.69));
    }

    [Fact]
    public void Asha_never_prunes_before_the_grace_period_and_restores_its_state()
    {
        var pruner = PrunerFactory.Create("asha:min_resource=1,reduction_factor=2,grace_period=3");
        var study = new List<FrozenTrial>();
        Assert.Null(Drive(pruner, study, 0, StudyDirection.Minimize, 1.0, 0.9, 0.8, 0.7));
        // Much worse at every step, but only decided at step 3 (rungs 1 and 2 are recorded with the step-3 value).
        Assert.Equal(3, Drive(pruner, study, 1, StudyDirection.Minimize, 5, 5, 5, 5));

        var restored = PrunerFactory.Create("asha:min_resource=1,reduction_factor=2,grace_period=3");
        restored.LoadState(pruner.SaveState());
        var candidate = Trials.Reporting(2, TrialState.Running, (1, 0.95), (2, 0.9), (3, 0.85));
        Assert.Equal(pruner.ShouldPrune(candidate, study, StudyDirection.Minimize), restored.ShouldPrune(candidate, study, StudyDirection.Minimize));
        Assert.Equal(pruner.SaveState(), restored.SaveState());
    }

    [Fact]
    public void The_grace_parameter_holds_each_trial_until_its_own_warmup_ends()
    {
        var pruner = PrunerFactory.Create("asha:min_resource=1,reduction_factor=2,grace_parameter=warmup_epochs");
        var study = new List<FrozenTrial>();
        Assert.Null(Drive(pruner, study, 0, StudyDirection.Maximize, 0.5, 0.6, 0.7, 0.8, 0.9));
        FrozenTrial Warming(int number, int warmup, params (int, double)[] reports) =>
            Trials.Reporting(number, TrialState.Running, reports) with { Params = new Dictionary<string, ParamValue> { ["warmup_epochs"] = ParamValue.Of(warmup) } };
        Assert.False(pruner.ShouldPrune(Warming(1, 3, (1, 0.1), (2, 0.1)), study, StudyDirection.Maximize));
        Assert.True(pruner.ShouldPrune(Warming(1, 3, (1, 0.1), (2, 0.1), (3, 0.1)), study, StudyDirection.Maximize));
        Assert.True(pruner.ShouldPrune(Warming(2, 0, (1, 0.1)), study, StudyDirection.Maximize));

        var hyperband = new HyperbandPruner(new PrunerOptions { MaxResource = 9, GraceParameter = "warmup_epochs" });
        var restored = new HyperbandPruner(new PrunerOptions { MaxResource = 9, GraceParameter = "warmup_epochs" });
        var hyperStudy = new List<FrozenTrial>();
        for (var n = 0; n < 6; n++) Drive(hyperband, hyperStudy, n, StudyDirection.Maximize, Enumerable.Range(1, 9).Select(s => 0.1 * n + 0.01 * s).ToArray());
        restored.LoadState(hyperband.SaveState());
        Assert.Equal(hyperband.SaveState(), restored.SaveState());
        for (var n = 6; n < 12; n++)
        {
            var probe = Trials.Reporting(n, TrialState.Running, Enumerable.Range(1, 9).Select(s => (s, 0.05 * n)).ToArray());
            Assert.Equal(hyperband.ShouldPrune(probe, hyperStudy, StudyDirection.Maximize), restored.ShouldPrune(probe, hyperStudy, StudyDirection.Maximize));
        }
    }

    [Theory]
    [InlineData("asha:min_resource=1,reduction_factor=2")]
    [InlineData("hyperband:min_resource=1,max_resource=9,reduction_factor=3")]
    public void A_pruner_restored_trial_by_trial_equals_the_one_it_was_saved_from(string spec)
    {
        var pruner = (ITrialStatePruner)PrunerFactory.Create(spec);
        var study = new List<FrozenTrial>();
        for (var n = 0; n < 8; n++) Drive(pruner, study, n, StudyDirection.Maximize, Enumerable.Range(1, 9).Select(s => 0.1 * (n % 3) + 0.01 * s).ToArray());

        var restored = (ITrialStatePruner)PrunerFactory.Create(spec);
        for (var n = 0; n < 8; n++)
            if (pruner.SaveTrialState(n) is { } part) restored.LoadTrialState(n, part);

        Assert.Equal(pruner.SaveState(), restored.SaveState());
        Assert.Null(pruner.SaveTrialState(99));
    }

    [Fact]
    public void Hyperband_bracket_sizes_follow_the_allocation_budgets()
    {
        var hyperband = (HyperbandPruner)PrunerFactory.Create("hyperband:min_resource=1,max_resource=81,reduction_factor=3");
        Assert.Equal(5, hyperband.BracketCount);
        Assert.Equal([81, 34, 15, 8, 5], hyperband.Budgets);
        var counts = new int[5];
        for (var n = 0; n < 14300; n++) counts[hyperband.BracketOf(n)]++;
        for (var b = 0; b < 5; b++)
            Assert.InRange(counts[b] / 14300.0, hyperband.Budgets[b] / 143.0 * 0.85, hyperband.Budgets[b] / 143.0 * 1.15);

        var small = (HyperbandPruner)PrunerFactory.Create("hyperband:min_resource=1,max_resource=9,reduction_factor=3");
        Assert.Equal([9, 5, 3], small.Budgets);
        Assert.Equal(0xCBF43926u, HyperbandPruner.Crc32("123456789"u8.ToArray())); // the CRC-32 check value
    }

    [Fact]
    public void Hyperband_brackets_decide_at_their_own_first_rung()
    {
        var options = new PrunerOptions { MinResource = 1, MaxResource = 9, ReductionFactor = 3 };
        var hyperband = new HyperbandPruner(options);
        var inBracket2 = Enumerable.Range(0, 200).Where(n => hyperband.BracketOf(n) == 2).Take(2).ToArray();
        var study = new List<FrozenTrial>();
        // Bracket 2 (early-stopping rate 2) first decides at 1·3² = 9 epochs: a bad trial runs to step 8 untouched.
        Assert.Null(Drive(hyperband, study, inBracket2[0], StudyDirection.Maximize, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9));
        Assert.Equal(9, Drive(hyperband, study, inBracket2[1], StudyDirection.Maximize, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1));
        Assert.Throws<ArgumentException>(() => PrunerFactory.Create("hyperband"));
    }

    [Fact]
    public void Median_prunes_below_the_median_after_startup_and_warmup()
    {
        var pruner = PrunerFactory.Create("median:startup_trials=2,warmup_steps=2");
        var study = new List<FrozenTrial>
        {
            Trials.Reporting(0, TrialState.Complete, (1, 0.3), (2, 0.5), (3, 0.6)),
        };
        var bad = Trials.Reporting(1, TrialState.Running, (1, 0.1), (2, 0.2), (3, 0.3));
        Assert.False(pruner.ShouldPrune(bad, study, StudyDirection.Maximize)); // one completed trial < 2 startup
        study.Add(Trials.Reporting(2, TrialState.Complete, (1, 0.2), (2, 0.4), (3, 0.5)));
        Assert.True(pruner.ShouldPrune(bad, study, StudyDirection.Maximize));   // 0.3 < median(0.6, 0.5)
        var early = Trials.Reporting(3, TrialState.Running, (1, 0.0));
        Assert.False(pruner.ShouldPrune(early, study, StudyDirection.Maximize)); // step 1 is in the warmup
        var good = Trials.Reporting(4, TrialState.Running, (1, 0.1), (2, 0.45));
        Assert.False(pruner.ShouldPrune(good, study, StudyDirection.Maximize));  // 0.45 ≥ median(0.5, 0.4)
        var high = Trials.Reporting(5, TrialState.Running, (1, 0.5), (2, 0.6));
        Assert.True(pruner.ShouldPrune(high, study, StudyDirection.Minimize));   // best so far 0.5 > median 0.45 when minimizing
        Assert.False(PrunerFactory.Create("none").ShouldPrune(bad, study, StudyDirection.Maximize));
    }

    [Theory]
    [InlineData("asha:reduction_factor=1", "reduction_factor")]
    [InlineData("asha:min_resource=x", "whole number")]
    [InlineData("median:patience=3", "unknown pruner setting 'patience'")]
    [InlineData("percentile", "unknown pruner 'percentile'")]
    [InlineData("asha:grace", "key=value")]
    public void Bad_pruner_specs_fail_clearly(string spec, string fragment) =>
        Assert.Contains(fragment, Assert.Throws<ArgumentException>(() => PrunerFactory.Create(spec)).Message);

    [Fact]
    public void Spec_settings_reach_the_options()
    {
        var o = PrunerFactory.ParseOptions("hyperband:min_resource=2,max_resource=54,reduction_factor=3,grace_period=5,hash_key=s1");
        Assert.Equal((2, 54, 3, 5, "s1"), (o.MinResource, o.MaxResource!.Value, o.ReductionFactor, o.GracePeriod, o.HashKey));
        Assert.Equal(["none", "median", "asha", "hyperband"], PrunerFactory.Names);
    }
}
