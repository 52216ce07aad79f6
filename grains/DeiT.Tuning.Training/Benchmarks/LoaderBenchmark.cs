using System.Diagnostics;
using DeiT.Tuning.Training.Augment;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Training.Benchmarks;

public sealed record LoaderBenchmarkOptions
{
    /// <summary>imagefolder or webdataset, at <see cref="DataRoot"/> (its train split is read).</summary>
    public string Kind { get; init; } = "imagefolder";
    public required string DataRoot { get; init; }
    /// <summary>Loader workers of the scaling run (the per-worker run uses one).</summary>
    public int Workers { get; init; } = 2;
    public bool RandAugment { get; init; }
    /// <summary>Side of the rendered images (the model's input size).</summary>
    public int Size { get; init; } = 224;
    public int Batch { get; init; } = 64;
    /// <summary>Timed images per run; null: two passes over the split.</summary>
    public int? Images { get; init; }
    /// <summary>Images/s one trial's training steps consume (e.g. from `bench train-step` on the GPU); null: not asked.</summary>
    public double? StepRate { get; init; }
}

public sealed record LoaderBenchmarkResult(
    string DataRoot,
    int TrainImages,
    int Size,
    IReadOnlyList<string> Transform,
    int ImagesTimed,
    double ImagesPerSecondOneWorker,
    int Workers,
    double ImagesPerSecondAllWorkers,
    double ScalingEfficiency,
    double? StepRate,
    int? CoresNeeded);

/// <summary>
/// Images/s of the whole training transform as the trainer runs it: the BatchLoader's workers read, decode, crop the
/// original, flip [, RandAugment], normalize into batches; timed once with one worker and once with all of them.
/// </summary>
public static class LoaderBenchmark
{
    public static LoaderBenchmarkResult Run(LoaderBenchmarkOptions options, IProgress<string> progress)
    {
        var splits = DatasetCatalog.Load(new DatasetSpec { Kind = options.Kind, Root = options.DataRoot, ValidationFraction = 0 }, options.Size);
        var train = splits.Train;
        // The peer's transform (torchvision RandomResizedCrop bicubic, flip [, RandAugment], normalize): no erasing.
        var recipe = new DeitRecipe { RandAugOps = options.RandAugment ? 2 : 0, ErasingProb = 0 };
        var transform = TrainTransforms.ForRecipe(recipe, train);
        int images = options.Images ?? 2 * train.Count;
        progress.Report($"{train.Count} training images at {options.Size}px: {string.Join(" → ", transform.StepNames)}");
        Time(train, transform, 1, options.Batch, Math.Min(images, train.Count));   // warm up: tiered JIT, page cache
        double one = Time(train, transform, 1, options.Batch, images);
        progress.Report($"1 worker: {one:F1} images/s");
        double all = Time(train, transform, options.Workers, options.Batch, images);
        progress.Report($"{options.Workers} workers: {all:F1} images/s");
        int? cores = options.StepRate is { } rate ? (int)Math.Ceiling(rate / one) : null;
        return new LoaderBenchmarkResult(options.DataRoot, train.Count, options.Size, transform.StepNames, images, one,
            options.Workers, all, all / (options.Workers * one), options.StepRate, cores);
    }

    /// <summary>Images/s through a loader with the given workers, over as many epochs as <paramref name="images"/> takes.</summary>
    private static double Time(IImageSet data, IImageTransform transform, int workers, int batch, int images)
    {
        using var loader = new BatchLoader(data, new BatchLoaderOptions
        {
            BatchSize = Math.Min(batch, data.Count), Shuffle = true, Seed = 1, Workers = workers, Transform = transform,
            QueueCapacity = 2 * workers,
        });
        var clock = Stopwatch.StartNew();
        int done = 0;
        for (int epoch = 0; done < images; epoch++)
            foreach (var b in loader.Epoch(epoch))
            {
                done += b.Count;
                b.Dispose();
                if (done >= images) break;
            }
        return done / clock.Elapsed.TotalSeconds;
    }
}
