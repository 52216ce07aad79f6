using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Training.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class OutcomeTests : IClassFixture<EngineJobs>
{
    private readonly EngineJobs _jobs;

    public OutcomeTests(EngineJobs jobs) => _jobs = jobs;

    [Fact]
    public void An_absurd_learning_rate_diverges_without_throwing()
    {
        var job = EngineJobs.Deit(epochs: 2) with { Recipe = new DeitRecipe { Epochs = 2, BatchSize = 32, WarmupEpochs = 0, BaseLr = 1e9 } };
        var outcome = new Trainer().Run(job, EngineJobs.Run(_jobs.PathIn("diverged")), _ => EpochDecision.Continue, null, CancellationToken.None);

        var diverged = Assert.IsType<TrainingOutcome.Diverged>(outcome);
        Assert.Equal(1, diverged.Epoch);
        Assert.InRange(diverged.Step, 2, 8);   // the first step's loss is finite; the blown-up weights follow
        Assert.Contains("loss", diverged.Reason);
        Assert.Empty(diverged.Epochs);
        Assert.False(Directory.Exists(_jobs.PathIn("diverged")) && Directory.EnumerateFiles(_jobs.PathIn("diverged")).Any(),
            "a diverged epoch must not be checkpointed");
    }

    [Fact]
    public void Stop_from_the_callback_ends_the_run_after_that_epoch()
    {
        var seen = new List<int>();
        var outcome = new Trainer().Run(EngineJobs.Deit(epochs: 3), EngineJobs.Run(_jobs.PathIn("stopped")),
            r => { seen.Add(r.Epoch); return r.Epoch == 2 ? EpochDecision.Stop : EpochDecision.Continue; }, null, CancellationToken.None);

        var stopped = Assert.IsType<TrainingOutcome.Stopped>(outcome);
        Assert.Equal([1, 2], seen);
        Assert.Equal([1, 2], stopped.Epochs.Select(e => e.Epoch));
        Assert.True(File.Exists(Path.Combine(_jobs.PathIn("stopped"), "epoch-0002.ckpt")));
        Assert.All(stopped.Epochs, e => Assert.NotNull(e.Test));
    }

    [Fact]
    public void Cancellation_ends_the_run_as_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var steps = 0;
        var progress = new InlineProgress(p => { if (++steps == 3) cancellation.Cancel(); });
        var outcome = new Trainer().Run(EngineJobs.Deit(epochs: 2), EngineJobs.Run(), _ => EpochDecision.Continue, progress, cancellation.Token);
        Assert.IsType<TrainingOutcome.Cancelled>(outcome);
        Assert.Empty(outcome.Epochs);
        Assert.Equal(3, steps);
    }

    [Fact]
    public void A_checkpoint_of_another_job_is_refused_naming_what_differs()
    {
        var directory = _jobs.PathIn("other-job");
        var job = EngineJobs.Deit(epochs: 1);
        Assert.IsType<TrainingOutcome.Completed>(new Trainer().Run(job, EngineJobs.Run(directory), _ => EpochDecision.Continue, null, CancellationToken.None));

        var other = job with { Recipe = job.Recipe with { BaseLr = 1e-3 } };
        var error = Assert.Throws<CheckpointMismatchException>(
            () => new Trainer().Run(other, EngineJobs.Run(directory), _ => EpochDecision.Continue, null, CancellationToken.None));
        Assert.Contains("recipe.base_lr", error.Message);
        Assert.Contains(directory, error.Message);
    }

    private sealed class InlineProgress(Action<StepProgress> report) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => report(value);
    }
}
