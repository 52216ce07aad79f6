using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>
/// Trains the trial's DeiT in the silo's own process with the engine's <see cref="Trainer"/>, checkpointing every epoch.
/// Only for silos with InProcessTrials=true (tests): trials beside each other share libtorch's global generator, so
/// their results depend on what else runs; the default is <see cref="WorkerTrialRunner"/>.
/// </summary>
public sealed class DeitTrialRunner : ITrialRunner
{
    public RunnerResult Run(RunnerContext context, Func<EpochMetrics, EpochVerdict> onEpoch, CancellationToken cancellationToken)
    {
        var job = Job(context);
        var options = RunOptions(context);
        var outcome = new Trainer().Run(job, options, report => onEpoch(Metrics(report)) == EpochVerdict.Stop ? EpochDecision.Stop : EpochDecision.Continue,
            progress: null, cancellationToken);
        return outcome switch
        {
            TrainingOutcome.Completed => new RunnerResult(RunnerEnd.Completed, TestTop1: BestWeightsTest.Score(job, options)),
            TrainingOutcome.Stopped => new RunnerResult(RunnerEnd.Stopped),
            TrainingOutcome.Diverged d => new RunnerResult(RunnerEnd.Failed, $"diverged at epoch {d.Epoch}, step {d.Step}: {d.Reason}"),
            _ => new RunnerResult(RunnerEnd.Cancelled),
        };
    }

    /// <summary>Where the attempt trains: the leased device and threads, the trial's checkpoint folder.</summary>
    public static TrainingRunOptions RunOptions(RunnerContext context) => new()
    {
        Device = context.TorchDevice,
        Threads = context.Threads > 0 ? context.Threads : null,
        CheckpointDirectory = context.CheckpointDirectory,
        BestWeightsPath = Path.Combine(context.CheckpointDirectory, TrialFolder.BestWeights),
        BestMetric = context.Assignment.Metric switch { "top5" => SelectionMetric.Top5, "loss" => SelectionMetric.Loss, _ => SelectionMetric.Top1 },
        Precision = PrecisionParameter.Resolve(context.Assignment.Runner.Precision, context.Assignment.Params),
    };

    /// <summary>The training job of an assignment: the runner's fixed settings plus the sampled recipe fields.</summary>
    public static TrainingJob Job(RunnerContext context)
    {
        var a = context.Assignment;
        var runner = a.Runner;
        var dataset = runner.Dataset ?? throw new ArgumentException("the deit runner needs a dataset");
        var recipe = RecipeParameters.Apply(
            RecipeParameters.Base(runner.Epochs, runner.BatchSize, runner.RepeatedAugmentation),
            PrecisionParameter.RecipeOnly(a.Params));
        return new TrainingJob
        {
            Model = runner.Model,
            Data = new DatasetSpec
            {
                Kind = dataset.Kind,
                Root = DataPaths.Resolve(context.DataRoot, dataset.Root, "dataset root", context.ConfineDataPaths),
                ValidationFraction = dataset.ValidationFraction,
                TrainLimit = dataset.TrainLimit,
                ValidationLimit = dataset.ValidationLimit,
                TestLimit = dataset.TestLimit,
            },
            Recipe = recipe,
            Seed = a.Seed,
            TeacherPath = TeacherPath(context),
            TeacherModel = runner.TeacherModel,
        };
    }

    /// <summary>A teacher the study trained (under CheckpointRoot), or one the study names (under DataRoot).</summary>
    private static string? TeacherPath(RunnerContext context)
    {
        var runner = context.Assignment.Runner;
        if (runner.TeacherCheckpoint is { } trained)
            return CheckpointPaths.Inside(context.CheckpointRoot ?? throw new ArgumentException("this silo has no CheckpointRoot to read the teacher from"), trained);
        return runner.Teacher is { } teacher ? DataPaths.Resolve(context.DataRoot, teacher, "teacher", context.ConfineDataPaths) : null;
    }

    private static EpochMetrics Metrics(EpochReport report) => new()
    {
        Epoch = report.Epoch,
        Top1 = report.Validation.Top1,
        Top5 = report.Validation.Top5,
        Loss = report.Validation.Loss,
        TrainLoss = report.TrainLoss,
        ImagesPerSecond = report.ImagesPerSecond,
        Seconds = report.EpochTime.TotalSeconds,
    };
}
