using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Studies;

namespace DeiT.Tuning.Grains.Tests;

public sealed class StoppingRulesTests
{
    static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    static StudySpec Spec(double? target = null, int? patience = null, OptimizationDirection direction = OptimizationDirection.Maximize) => new()
    {
        Name = "s", Runner = new TrialRunnerSpec(), TargetValue = target, Patience = patience, Direction = direction,
    };

    /// <summary>Trial n finished at second <paramref name="finishedAt"/> (null: still running).</summary>
    static TrialRecord Trial(int number, double? value, TrialStatus status = TrialStatus.Completed, int? finishedAt = null, int? retrainOf = null) => new()
    {
        Number = number, Params = new Dictionary<string, ParamSetting>(), Value = value, Status = status, RetrainOf = retrainOf,
        FinishedAt = status == TrialStatus.Running ? null : T0.AddSeconds(finishedAt ?? number),
    };

    [Fact]
    public void A_completed_trial_that_reaches_the_target_ends_the_study()
    {
        Assert.Null(StoppingRules.Reason(Spec(target: 0.9), [Trial(0, 0.5), Trial(1, 0.95, TrialStatus.Running), Trial(2, 0.95, TrialStatus.Pruned)]));
        Assert.Equal("target top1 ≥ 0.9 reached by trial 3 (0.9)", StoppingRules.Reason(Spec(target: 0.9), [Trial(0, 0.5), Trial(3, 0.9)]));
        var loss = Spec(target: 0.2, direction: OptimizationDirection.Minimize) with { Metric = "loss" };
        Assert.Null(StoppingRules.Reason(loss, [Trial(0, 0.25)]));
        Assert.Equal("target loss ≤ 0.2 reached by trial 1 (0.19)", StoppingRules.Reason(loss, [Trial(0, 0.25), Trial(1, 0.19)]));
        Assert.Null(StoppingRules.Reason(Spec(target: 0.9), [Trial(0, 0.95, retrainOf: 5)])); // retraining is not searching
    }

    [Fact]
    public void Patience_counts_finished_trials_in_finishing_order_since_the_last_new_best()
    {
        var spec = Spec(patience: 2);
        Assert.Null(StoppingRules.Reason(spec, [Trial(0, 0.5), Trial(1, 0.4)]));
        Assert.Null(StoppingRules.Reason(spec, [Trial(0, 0.5), Trial(1, 0.4), Trial(2, 0.6)])); // a new best restarts the count
        Assert.Equal("no better top1 in 2 finished trials since trial 2 (0.6)",
            StoppingRules.Reason(spec, [Trial(0, 0.5), Trial(1, 0.4), Trial(2, 0.6), Trial(3, 0.1, TrialStatus.Pruned), Trial(4, 0.6)]));
        // Trial 1 finished last: the new best came after trial 2's result, so only one trial has finished since.
        Assert.Null(StoppingRules.Reason(spec, [Trial(0, 0.5, finishedAt: 1), Trial(1, 0.7, finishedAt: 9), Trial(2, 0.2, finishedAt: 5), Trial(3, 0.3, finishedAt: 10)]));
        // Failed and running trials are no evidence either way.
        Assert.Null(StoppingRules.Reason(spec, [Trial(0, 0.5), Trial(1, null, TrialStatus.Failed), Trial(2, null, TrialStatus.Running), Trial(3, 0.1)]));
    }
}
