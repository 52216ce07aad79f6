using System.Diagnostics;
using DeiT.Tuning.Training.Augment;
using DeiT.Tuning.Training.Layers;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>
/// Trains one job: per epoch train → evaluate validation (and test) → checkpoint → ask <c>onEpoch</c>.
/// Synchronous; run it on a dedicated thread (TorchSharp dispose scopes are thread-local).
/// Failures of the run itself (divergence, cancellation, a Stop decision) are outcomes, not exceptions.
/// With a checkpoint directory, a run resumes from its newest valid checkpoint: every random draw is a pure function of
/// (seed, epoch, step), so the resumed run repeats the uninterrupted one exactly and no RNG state needs saving.
/// </summary>
public sealed class Trainer
{
    public TrainingOutcome Run(TrainingJob job, TrainingRunOptions options,
        Func<EpochReport, EpochDecision> onEpoch, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(onEpoch);
        RecipeValidation.ThrowIfInvalid(job.Recipe);
        // The folders the run writes to are made (or refused) before the first epoch, not after it.
        foreach (var folder in new[] { options.CheckpointDirectory, ParentOf(options.OutputPath), ParentOf(options.BestWeightsPath) }.OfType<string>())
            Directory.CreateDirectory(folder);

        using var setup = TrainingSetup.Create(job, options);
        var store = options.CheckpointDirectory is { } directory ? new CheckpointStore(directory, JobFingerprint.Of(job)) : null;
        var reports = new List<EpochReport>();

        if (store?.Latest() is { } checkpoint)
        {
            store.Restore(checkpoint, setup.State);
            reports.AddRange(checkpoint.Header.Reports);
            // The process may have stopped between writing this checkpoint and delivering its report: deliver it again
            // (at least once), so the caller never misses an epoch.
            if (reports.Count > 0 && onEpoch(reports[^1]) == EpochDecision.Stop)
                return Finish(setup, options, new TrainingOutcome.Stopped(reports));
        }

        for (var epoch = reports.Count; epoch < job.Recipe.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            var lr = setup.Schedule.LearningRate(epoch);
            var train = TrainEpoch(setup, epoch, lr, progress, cancellationToken);
            if (train.Diverged is { } diverged)
                return new TrainingOutcome.Diverged(reports, epoch + 1, diverged.Step, diverged.Reason);
            if (train.Cancelled || cancellationToken.IsCancellationRequested)
                return new TrainingOutcome.Cancelled(reports);

            var evaluated = setup.EvaluatedModel;
            var validation = Evaluator.Evaluate(evaluated, setup.ValidationLoader, setup.Device, setup.ComputeType);
            var test = setup.TestLoader is { } testLoader ? Evaluator.Evaluate(evaluated, testLoader, setup.Device, setup.ComputeType) : null;
            var heads = job.Recipe.Distillation != DistillationType.None ? HeadEvaluator.Evaluate(evaluated, setup.ValidationLoader, setup.Device) : null;
            var report = new EpochReport(epoch + 1, train.MeanLoss, validation, test, train.ImagesPerSecond, lr, epochClock.Elapsed, heads);
            reports.Add(report);
            // Before the checkpoint: a run resumed from this epoch's checkpoint must find its best weights written.
            if (options.BestWeightsPath is { } best && BestEpoch.LastIsBest(reports, options.BestMetric))
            {
                BestEpoch.Save(evaluated, best);
                ModelCard.For(job, $"epoch {report.Epoch} (best validation {options.BestMetric.ToString().ToLowerInvariant()})", Metrics(report)).SaveBeside(best);
            }
            store?.Save(epoch + 1, reports, setup.State);
            if (onEpoch(report) == EpochDecision.Stop)
                return Finish(setup, options, new TrainingOutcome.Stopped(reports));
        }
        return Finish(setup, options, new TrainingOutcome.Completed(reports));
    }

    private static string? ParentOf(string? path) => path is null ? null : Path.GetDirectoryName(Path.GetFullPath(path));

    private static TrainingOutcome Finish(TrainingSetup setup, TrainingRunOptions options, TrainingOutcome outcome)
    {
        if (options.OutputPath is { } path)
        {
            ModelIo.Save(setup.EvaluatedModel, path);
            ModelCard.For(setup.Job, $"last epoch ({outcome.Epochs.Count})", Metrics(outcome.Epochs.LastOrDefault())).SaveBeside(path);
        }
        return outcome;
    }

    private static Dictionary<string, double> Metrics(EpochReport? report)
    {
        var metrics = new Dictionary<string, double>();
        if (report is null) return metrics;
        (metrics["val_top1"], metrics["val_top5"], metrics["val_loss"]) = (report.Validation.Top1, report.Validation.Top5, report.Validation.Loss);
        if (report.Test is { } test) (metrics["test_top1"], metrics["test_top5"], metrics["test_loss"]) = (test.Top1, test.Top5, test.Loss);
        return metrics;
    }

    private sealed record EpochTraining(double MeanLoss, double ImagesPerSecond, bool Cancelled, (int Step, string Reason)? Diverged);

    private static EpochTraining TrainEpoch(TrainingSetup setup, int epoch, double lr, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        var job = setup.Job;
        var recipe = job.Recipe;
        var module = setup.Model.Module;
        DeitOptimizer.SetLearningRate(setup.Optimizer, lr);
        module.train();
        var steps = setup.TrainLoader.BatchesPerEpoch;
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        long images = 0;
        var step = 0;

        foreach (var batch in setup.TrainLoader.Epoch(epoch))
        {
            using var _ = batch;
            if (cancellationToken.IsCancellationRequested)
                return new EpochTraining(double.NaN, 0, Cancelled: true, null);
            step++;
            double loss;
            using (var scope = torch.NewDisposeScope())
            {
                torch.manual_seed(StepSeed.Torch(job.Seed, epoch, step));
                // Queued uploads: the loss read below synchronizes the stream before the batch goes back to the loader.
                var input = batch.ToImagesTensor(setup.Device, nonBlocking: true);
                var labels = batch.ToLabelsTensor(setup.Device, nonBlocking: true);
                var (mixed, target) = setup.Mixup.Enabled
                    ? setup.Mixup.Apply(input, labels, StepSeed.Mixing(job.Seed, epoch, step))
                    : (input, MixupCutmix.MixedTarget(labels, setup.Data.Train.NumClasses, 1.0, recipe.LabelSmoothing));
                Tensor? teacherLogits = null;
                if (setup.Teacher is { } teacher)
                {
                    using var noGrad = torch.no_grad();
                    teacherLogits = teacher.ForwardEval(mixed);
                }
                Tensor cls;
                Tensor? dist;
                setup.ComputeWeights?.Refresh();
                using (Autocast.Enter(setup.ComputeType, setup.ComputeWeights?.Copies))
                    (cls, dist) = setup.Model.ForwardTrain(mixed);
                // Losses in fp32, as autocast's fp32 list has them.
                var lossTensor = setup.Loss.Compute(cls.to(float32), dist?.to(float32), target, teacherLogits);
                loss = lossTensor.item<float>();
                if (!double.IsFinite(loss))
                    return new EpochTraining(double.NaN, 0, false,
                        (step, FormattableString.Invariant($"training loss became {(double.IsNaN(loss) ? "NaN" : "infinite")} at epoch {epoch + 1}, step {step} of {steps} (lr {lr:G4})")));
                setup.Optimizer.zero_grad();
                if (StepBackward.Run(lossTensor, setup.LossScaler, setup.Gradients, setup.ComputeWeights))
                {
                    if (recipe.ClipGrad is { } maxNorm)
                        nn.utils.clip_grad_norm_(module.parameters(), maxNorm);
                    setup.Optimizer.step();
                    setup.Ema?.Update(setup.Model);
                }
            }
            lossSum += loss;
            images += batch.Count;
            progress?.Report(new StepProgress(epoch + 1, step, steps, loss, images / clock.Elapsed.TotalSeconds));
        }
        return new EpochTraining(lossSum / step, images / clock.Elapsed.TotalSeconds, false, null);
    }
}
