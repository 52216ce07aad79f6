using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;

/// <summary>What a trial gets, beside what a step takes: two epochs of the real <see cref="Trainer"/> (the DeiT recipe's
/// loader with RandAugment, Mixup/CutMix and erasing on CPU workers, the upload, the per-step loss read, evaluation
/// apart) on fake 224×224 data, and the second epoch's training images/s (the first pays for warm-up).</summary>
static class TrainerRun
{
    public sealed record Result(string Model, int Batch, string Device, string Precision, int LoaderWorkers, int ImagesPerEpoch,
        double ImagesPerS, double FirstEpochImagesPerS, double TrainLoss);

    public static Result Run(string model, int batch, string device, Precision? precision, int workers, int steps, int? threads)
    {
        var images = batch * steps;
        var job = new TrainingJob
        {
            Model = model,
            Data = new DatasetSpec { Kind = "fake", Root = "", ValidationFraction = 0.01, TrainLimit = images, ValidationLimit = batch, TestLimit = 0 },
            Recipe = new DeitRecipe { Epochs = 2, BatchSize = batch, WarmupEpochs = 0 },
        };
        var run = new TrainingRunOptions { Device = device, LoaderWorkers = workers, Precision = precision, Threads = threads };
        var outcome = new Trainer().Run(job, run, report =>
        {
            Console.Error.WriteLine($"trainer {model} epoch {report.Epoch}: {report.ImagesPerSecond:F1} images/s, train loss {report.TrainLoss:F3}");
            return EpochDecision.Continue;
        }, null, CancellationToken.None);
        if (outcome is not TrainingOutcome.Completed { Epochs: [var first, var second] })
            throw new InvalidOperationException($"trainer {model}: {outcome.GetType().Name} after {outcome.Epochs.Count} epochs");
        return new Result(model, batch, device, precision is { } p ? PrecisionChoice.Name(p) : "default", workers, images,
            second.ImagesPerSecond, first.ImagesPerSecond, second.TrainLoss);
    }
}
