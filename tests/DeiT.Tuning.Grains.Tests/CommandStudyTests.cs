using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>Studies whose trials are an external command, on two silos with two device slots each.</summary>
public sealed class CommandStudyTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>
{
    private StudySpec Spec(string name, int trials, int parallel, string pruner = "none") => new()
    {
        Name = name,
        Space = FakeTrainingScript.Space,
        Sampler = "random",
        Pruner = pruner,
        Trials = trials,
        Parallel = parallel,
        Seed = 7,
        Runner = new TrialRunnerSpec { Kind = RunnerKind.Command, Epochs = 3, Command = FakeTrainingScript.Command(fixture.Root) },
    };

    [Fact]
    public async Task Study_runs_to_its_budget_on_both_silos_without_sharing_a_device_and_records_failures()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("cmd-budget");
        await study.Create(Spec("cmd-budget", trials: 8, parallel: 4));
        await study.Run();

        // Deactivate the study mid-run: the trials' reports reactivate it from storage and it carries on.
        await Task.Delay(500);
        await fixture.Cluster.DeactivateAsync(study);

        var done = await StudyWaiting.UntilSettled(study);
        Assert.Equal(StudyState.Finished, done.State);
        Assert.Equal(8, done.Trials.Count);
        Assert.All(done.Trials, t => Assert.True(t.IsFinished, $"trial {t.Number} is {t.Status}"));

        var nan = done.Trials[1];
        Assert.Equal(TrialStatus.Failed, nan.Status);
        Assert.Contains("top1 is NaN at epoch 2", nan.Reason);
        var crash = done.Trials[2];
        Assert.Equal(TrialStatus.Failed, crash.Status);
        Assert.Contains("exited with code 3", crash.Reason);
        Assert.Contains("simulated crash", crash.Reason);
        var completed = done.Trials.Where(t => t.Status == TrialStatus.Completed).ToList();
        Assert.Equal(6, completed.Count);
        foreach (var t in completed)
        {
            Assert.Equal([1, 2, 3], t.Epochs.Select(e => e.Epoch));
            Assert.Equal(t.Params["x"].Number, t.Value!.Value, 5); // top1 = x at the last epoch
        }

        var inventory = await fixture.Client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).GetInventory();
        var mine = inventory.History.Where(l => l.TrialKey.StartsWith("cmd-budget/", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, mine.Count);
        Assert.DoesNotContain(inventory.Active, l => l.TrialKey.StartsWith("cmd-budget/", StringComparison.Ordinal));
        Assert.Equal(2, mine.Select(l => l.Silo).Distinct().Count());
        LeaseAssert.NoDeviceSharedAtOnce(inventory.History);
    }

    [Fact]
    public async Task A_silent_trial_is_asked_before_it_is_given_up_and_keeps_its_first_attempt()
    {
        // Silos send heartbeats every second; a 300 ms timeout makes every running trial look silent at every tick.
        // Only the trial's own answer ("still running") keeps the study from starting it again.
        var study = fixture.Client.GetGrain<IStudyGrain>("cmd-silent");
        await study.Create(Spec("cmd-silent", trials: 2, parallel: 2) with
        {
            HeartbeatTimeout = TimeSpan.FromMilliseconds(300),
            Runner = Spec("x", 1, 1).Runner with { Command = ["/bin/sh", "-c", "for e in 1 2 3; do sleep 1; echo \"epoch=$e top1=$0\"; done", "{x}"] },
        });
        await study.Run();
        var done = await StudyWaiting.UntilSettled(study);

        Assert.All(done.Trials, t =>
        {
            Assert.Equal(TrialStatus.Completed, t.Status);
            Assert.Equal(1, t.Attempt);
            Assert.Equal([1, 2, 3], t.Epochs.Select(e => e.Epoch));
        });
        Assert.Equal(2, done.Leases.Count);
    }

    [Fact]
    public async Task Median_pruner_stops_trials_below_the_median_and_says_so()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("cmd-prune");
        await study.Create(Spec("cmd-prune", trials: 10, parallel: 1, pruner: "median:startup_trials=2") with
        {
            // Sequential trials make the pruner's view (and so the outcome) independent of timing.
            Space = """{"parameters": {"x": {"type": "float", "low": 0.0, "high": 1.0}}}""",
            Seed = 3,
            Runner = Spec("x", 1, 1).Runner with { Command = ["/bin/sh", "-c", "for e in 1 2 3; do echo \"epoch=$e top1=$(awk -v x=$0 -v e=$e 'BEGIN{print x*e/3}')\"; done", "{x}"] },
        });
        await study.Run();
        var done = await StudyWaiting.UntilSettled(study);

        var pruned = done.Trials.Where(t => t.Status == TrialStatus.Pruned).ToList();
        Assert.NotEmpty(pruned);
        Assert.All(pruned, t => Assert.StartsWith("pruned by median at epoch", t.Reason));
        Assert.All(pruned, t => Assert.True(t.Epochs.Count < 3));
        Assert.Equal(10, done.Trials.Count(t => t.IsFinished));

        var board = await study.GetLeaderboard(100);
        Assert.Equal(board.OrderByDescending(t => t.Value).Select(t => t.Number), board.Select(t => t.Number));
        Assert.Equal(done.Trials.Where(t => t.Value is not null).Max(t => t.Value), board[0].Value);
    }

    [Fact]
    public async Task A_trial_past_its_time_limit_is_killed_and_failed_with_the_limit()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("cmd-timeout");
        await study.Create(Spec("cmd-timeout", trials: 1, parallel: 1) with
        {
            Runner = new TrialRunnerSpec { Kind = RunnerKind.Command, Epochs = 3, Command = ["sleep", "600"], TrialTimeout = TimeSpan.FromSeconds(2) },
        });
        await study.Run();
        var done = await StudyWaiting.UntilSettled(study);

        var trial = Assert.Single(done.Trials);
        Assert.Equal(TrialStatus.Failed, trial.Status);
        Assert.Equal("exceeded the trial time limit of 2 s at epoch 1", trial.Reason);
    }

    [Fact]
    public async Task Reactivated_study_grain_has_every_trial_and_lease()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("cmd-reload");
        await study.Create(Spec("cmd-reload", trials: 3, parallel: 2));
        await study.Run();
        var before = await StudyWaiting.UntilSettled(study);

        await fixture.Cluster.DeactivateAsync(study);
        var after = (await study.GetSnapshot())!;

        var json = new System.Text.Json.JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(before, json), System.Text.Json.JsonSerializer.Serialize(after, json));
        Assert.Equal(3, after.Leases.Count);
    }

    [Fact]
    public async Task Ask_and_tell_record_the_callers_values()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("ask-tell");
        await study.Create(Spec("ask-tell", trials: 5, parallel: 1));
        var first = await study.Ask();
        var second = await study.Ask();
        Assert.NotEqual(first.Params["x"], second.Params["x"]);
        Assert.True(first.External);

        await study.Tell(first.Number, TrialStatus.Completed, 0.25, null);
        await study.Tell(second.Number, TrialStatus.Completed, 0.75, null);
        await study.Tell(second.Number, TrialStatus.Completed, 0.75, null); // the same tell again is harmless

        await Assert.ThrowsAsync<InvalidOperationException>(() => study.Tell(second.Number, TrialStatus.Completed, 0.1, null));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => study.Tell(99, TrialStatus.Completed, 0.1, null));
        var board = await study.GetLeaderboard(10);
        Assert.Equal([second.Number, first.Number], board.Select(t => t.Number));

        await fixture.Cluster.DeactivateAsync(study);
        var third = await study.Ask();
        Assert.Equal(2, third.Number);
        var nan = await study.Tell(third.Number, TrialStatus.Completed, double.NaN, null);
        Assert.Equal(TrialStatus.Failed, nan.Status);
    }

    [Fact]
    public async Task Bad_specs_are_refused_and_store_nothing()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("bad-spec");
        Assert.Null(await study.GetSnapshot());
        var badSpace = await Assert.ThrowsAsync<ArgumentException>(() => study.Create(Spec("bad-spec", 2, 1) with { Space = "parameters: {x: {type: float, low: 2, high: 1}}" }));
        Assert.StartsWith("search space:", badSpace.Message);
        Assert.Contains("x", badSpace.Message);
        var badPruner = await Assert.ThrowsAsync<ArgumentException>(() => study.Create(Spec("bad-spec", 2, 1, pruner: "bogus")));
        Assert.Contains("unknown pruner 'bogus'", badPruner.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => study.Create(Spec("bad-spec", 0, 1)));
        // A model or dataset the trainer does not know would fail every trial: refused up front, naming the choices.
        var deit = new TrialRunnerSpec { Kind = RunnerKind.Deit, Epochs = 1, Dataset = new DatasetSettings { Kind = "fake", Root = "." } };
        var deitSpec = Spec("bad-spec", 2, 1) with { Space = "parameters: {lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}}", Runner = deit };
        var badModel = await Assert.ThrowsAsync<ArgumentException>(() => study.Create(deitSpec with { Runner = deit with { Model = "deit_huge" } }));
        Assert.StartsWith("model 'deit_huge' is unknown; choose one of: deit_tiny_patch16_224,", badModel.Message);
        var badTeacher = await Assert.ThrowsAsync<ArgumentException>(() => study.Create(deitSpec with { Runner = deit with { Teacher = "t.safetensors", TeacherModel = "regnety" } }));
        Assert.StartsWith("teacher model 'regnety' is unknown", badTeacher.Message);
        var badData = await Assert.ThrowsAsync<ArgumentException>(() => study.Create(deitSpec with { Runner = deit with { Dataset = new DatasetSettings { Kind = "imagenet", Root = "." } } }));
        Assert.Equal("dataset 'imagenet' is unknown; use one of: fashion-mnist, mnist, cifar10, cifar100, imagefolder, webdataset, fake", badData.Message);
        Assert.Null(await study.GetSnapshot());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => study.Run());

        await study.Create(Spec("bad-spec", 2, 1));
        var other = await Assert.ThrowsAsync<ArgumentException>(() => study.Create(Spec("bad-spec", 3, 1)));
        Assert.Contains("already exists", other.Message);
        Assert.Equal(2, (await study.GetSnapshot())!.Spec.Trials);
    }

}

public sealed class ExternalCommandRefusalTests(NoExternalCommandsCluster fixture) : IClassFixture<NoExternalCommandsCluster>
{
    [Fact]
    public async Task Silo_without_AllowExternalCommands_refuses_and_the_trial_records_why()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("refused");
        await study.Create(new StudySpec
        {
            Name = "refused", Space = FakeTrainingScript.Space, Sampler = "random", Trials = 2, Parallel = 2,
            Runner = new TrialRunnerSpec { Kind = RunnerKind.Command, Epochs = 1, Command = ["/bin/echo", "epoch=1 top1=1"] },
        });
        await study.Run();
        var done = await StudyWaiting.UntilSettled(study);
        Assert.All(done.Trials, t =>
        {
            Assert.Equal(TrialStatus.Failed, t.Status);
            Assert.Contains("set AllowExternalCommands=true", t.Reason);
        });
    }
}
