using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>Raising a study's budget and deleting studies, one of them while another runs.</summary>
public sealed class StudyManagementTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>
{
    private StudySpec Spec(string name, int trials, int epochs) => new()
    {
        Name = name,
        Space = FakeTrainingScript.Space,
        Sampler = "random",
        Trials = trials,
        Parallel = 2,
        Seed = 11,
        Runner = new TrialRunnerSpec { Kind = RunnerKind.Command, Epochs = epochs, Command = FakeTrainingScript.Command(fixture.Root) },
    };

    [Fact]
    public async Task Extending_a_finished_study_runs_the_added_trials_and_a_budget_is_never_lowered()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("extend-me");
        await study.Create(Spec("extend-me", trials: 1, epochs: 1));
        await study.Run();
        Assert.Equal(StudyState.Finished, (await StudyWaiting.UntilSettled(study)).State);

        await Assert.ThrowsAsync<ArgumentException>(() => study.Extend(trials: 1, timeBudget: null));
        var extended = await study.Extend(trials: 3, timeBudget: TimeSpan.FromMinutes(5));
        Assert.Equal(3, extended.Spec.Trials);
        Assert.Equal(TimeSpan.FromMinutes(5), extended.Spec.TimeBudget);
        await study.Run();

        var done = await StudyWaiting.UntilSettled(study);
        Assert.Equal(StudyState.Finished, done.State);
        Assert.Equal([0, 1, 2], done.Trials.Select(t => t.Number));
        Assert.Equal("trial budget 3 reached", done.StopReason);
    }

    [Fact]
    public async Task Deleting_a_study_removes_its_state_and_checkpoints_while_another_study_runs_on()
    {
        var old = fixture.Client.GetGrain<IStudyGrain>("delete-old");
        await old.Create(Spec("delete-old", trials: 2, epochs: 1));
        await old.Run();
        await StudyWaiting.UntilSettled(old);
        var oldCheckpoints = Path.Combine(fixture.CheckpointRoot, "delete-old");
        Assert.True(Directory.Exists(oldCheckpoints));

        var running = fixture.Client.GetGrain<IStudyGrain>("delete-running");
        await running.Create(Spec("delete-running", trials: 4, epochs: 4));
        await running.Run();
        await Task.Delay(300);
        await Assert.ThrowsAsync<InvalidOperationException>(() => running.Delete()); // trials run: stop it first

        await old.Delete();

        Assert.Null(await old.GetSnapshot());
        Assert.False(Directory.Exists(oldCheckpoints));
        var catalog = await fixture.Client.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).List();
        Assert.DoesNotContain("delete-old", catalog);
        Assert.Contains("delete-running", catalog);
        var done = await StudyWaiting.UntilSettled(running);
        Assert.Equal(StudyState.Finished, done.State);
        Assert.All(done.Trials.Where(t => t.Number is not (1 or 2)), t => Assert.Equal(TrialStatus.Completed, t.Status)); // 1 and 2 fail by design
        Assert.True(Directory.Exists(Path.Combine(fixture.CheckpointRoot, "delete-running")));

        // The name is free again: a new study of that name starts from nothing.
        await old.Create(Spec("delete-old", trials: 1, epochs: 1));
        Assert.Empty((await old.GetSnapshot())!.Trials);
    }

    [Fact]
    public async Task Retraining_runs_the_best_configuration_again_with_more_epochs_and_other_seeds_as_marked_trials()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("retrain");
        await study.Create(Spec("retrain", trials: 3, epochs: 2));
        await study.Run();
        var searched = await StudyWaiting.UntilSettled(study);
        var best = searched.Trials.Single(t => t.Status == TrialStatus.Completed); // trials 1 and 2 fail by design

        var added = await study.Retrain(top: 1, seeds: 2, epochs: 4);
        Assert.Equal(5, added.Spec.Trials);
        await study.Run();

        var done = await StudyWaiting.UntilSettled(study);
        Assert.Equal(StudyState.Finished, done.State);
        var retrained = done.Trials.Where(t => t.RetrainOf is not null).ToList();
        Assert.Equal([3, 4], retrained.Select(t => t.Number));
        Assert.All(retrained, t =>
        {
            Assert.Equal(best.Number, t.RetrainOf);
            Assert.Equal(TrialStatus.Completed, t.Status);
            Assert.Equal([1, 2, 3, 4], t.Epochs.Select(e => e.Epoch));
            Assert.Equal(best.Params["x"].Number, t.Params["x"].Number);
            Assert.Equal(best.Value!.Value, t.Value!.Value, 5); // the fake trainer's last epoch reports x
        });
        Assert.NotEqual(retrained[0].Seed, retrained[1].Seed);
        await Assert.ThrowsAsync<ArgumentException>(() => study.Retrain(top: 1, seeds: 1, epochs: 0));
    }

    [Fact]
    public async Task Enqueued_configurations_run_first_in_order_and_invalid_ones_are_refused()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("enqueued");
        var enqueued = new[] { 0.25, 0.75 }.Select(x => (IReadOnlyDictionary<string, ParamSetting>)new Dictionary<string, ParamSetting> { ["x"] = new(x, null) }).ToList();
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetGrain<IStudyGrain>("enqueued-bad").Create(
            Spec("enqueued-bad", trials: 1, epochs: 1) with { Enqueued = [new Dictionary<string, ParamSetting> { ["x"] = new(2.0, null) }] }));

        await study.Create(Spec("enqueued", trials: 4, epochs: 1) with { Enqueued = enqueued });
        await study.Run();

        var done = await StudyWaiting.UntilSettled(study);
        Assert.Equal(0.25, done.Trials[0].Params["x"].Number);
        Assert.Equal(0.75, done.Trials[1].Params["x"].Number);
        Assert.DoesNotContain(done.Trials.Skip(2), t => t.Params["x"].Number is 0.25 or 0.75); // then the sampler
    }

    [Fact]
    public async Task A_warm_started_sampler_learns_from_the_earlier_studys_trials()
    {
        StudySpec AskTell(string name, string? warmStart) => new()
        {
            Name = name, Space = FakeTrainingScript.Space, Sampler = "tpe", Trials = 20, Seed = 5, WarmStart = warmStart,
            Runner = new TrialRunnerSpec { Kind = RunnerKind.AskTell },
        };
        var earlier = fixture.Client.GetGrain<IStudyGrain>("warm-source");
        await earlier.Create(AskTell("warm-source", null));
        for (var i = 0; i < 12; i++) // past TPE's 10 random startup trials; the best x is near 0.9
        {
            var trial = await earlier.Ask();
            await earlier.Tell(trial.Number, TrialStatus.Completed, -Math.Abs(trial.Params["x"].Number - 0.9), null);
        }

        var warm = fixture.Client.GetGrain<IStudyGrain>("warm-started");
        await warm.Create(AskTell("warm-started", "warm-source"));
        var cold = fixture.Client.GetGrain<IStudyGrain>("cold-started");
        await cold.Create(AskTell("cold-started", null));

        var coldAgain = fixture.Client.GetGrain<IStudyGrain>("cold-again");
        await coldAgain.Create(AskTell("cold-again", null));

        // Same seed: without history TPE draws the same first (random) point; with 12 observations it models them.
        var coldFirst = (await cold.Ask()).Params["x"].Number;
        Assert.Equal(coldFirst, (await coldAgain.Ask()).Params["x"].Number);
        Assert.NotEqual(coldFirst, (await warm.Ask()).Params["x"].Number);
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetGrain<IStudyGrain>("warm-missing").Create(AskTell("warm-missing", "no-such-study")));
    }
}
