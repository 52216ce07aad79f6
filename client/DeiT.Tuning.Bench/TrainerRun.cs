using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;

/// <summary>What a trial gets, beside what a step takes: two epochs of the real <see cref="Trainer"/> (the DeiT recipe's
/// loader with RandAugment, Mixup/CutMix and erasing on CPU workers, the upload, the per-step loss read, evaluation
/// apart) on fake 224×224 data, and the second epoch's training images/s (the first pays for warm-up): over the whole
/// epoch, which includes the loader filling its first batches (each worker prepares a whole batch, and a new epoch
/// starts its workers afresh), and in the steady state, over the epoch's last two thirds.</summary>
static class TrainerRun
{
    public sealed record Result(string Model, int Batch, string Device, string Precision, int LoaderWorkers, int ImagesPerEpoch,
        double ImagesPerS, double SteadyImagesPerS, double FirstEpochImagesPerS, double TrainLoss);

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
        var stepClock = new StepClock();
        var outcome = new Trainer().Run(job, run, report =>
        {
            Console.Error.WriteLine($"trainer {model} epoch {report.Epoch}: {report.ImagesPerSecond:F1} images/s, train loss {report.TrainLoss:F3}");
            return EpochDecision.Continue;
        }, stepClock, CancellationToken.None);
        if (outcome is not TrainingOutcome.Completed { Epochs: [var first, var second] })
            throw new InvalidOperationException($"trainer {model}: {outcome.GetType().Name} after {outcome.Epochs.Count} epochs");
        var steady = stepClock.SteadyImagesPerSecond(epoch: 2, batch);
        Console.Error.WriteLine($"trainer {model} epoch 2 steady state (last two thirds): {steady:F1} images/s");
        return new Result(model, batch, device, precision is { } p ? PrecisionChoice.Name(p) : "default", workers, images,
            second.ImagesPerSecond, steady, first.ImagesPerSecond, second.TrainLoss);
    }

    /// <summary>When each step ended (reported synchronously on the training thread).</summary>
    sealed class StepClock : IProgress<StepProgress>
    {
        readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        readonly List<(int Epoch, int Step, int Steps, double Seconds)> _ends = [];

        public void Report(StepProgress value) => _ends.Add((value.Epoch, value.Step, value.StepsPerEpoch, _clock.Elapsed.TotalSeconds));

        public double SteadyImagesPerSecond(int epoch, int batch)
        {
            var ends = _ends.Where(e => e.Epoch == epoch).ToList();
            var from = ends.First(e => e.Step >= Math.Max(1, e.Steps / 3));
            var to = ends[^1];
            return to.Step > from.Step ? (to.Step - from.Step) * (double)batch / (to.Seconds - from.Seconds) : double.NaN;
        }
    }
}
