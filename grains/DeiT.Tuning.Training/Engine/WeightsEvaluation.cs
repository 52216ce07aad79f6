using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Devices;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

public enum DatasetSplit { Validation, Test }

/// <summary>Saved weights of a job's model evaluated on one of its data's splits, batched as the trainer evaluates
/// (distilled models with both heads).</summary>
public static class WeightsEvaluation
{
    public static EvaluationResult Evaluate(TrainingJob job, string weights, DatasetSplit split, TrainingRunOptions run)
    {
        var (model, loader, device) = Open(job, weights, split, run);
        using var module = model.Module;
        using var _ = loader;
        // Distilled models as the paper's DeiT⚗ infers: the mean of the two heads' softmax.
        return model.HasDistillationHead ? HeadEvaluator.Evaluate(model, loader, device).Both : Evaluator.Evaluate(model, loader, device);
    }

    /// <summary>The job's model with the saved weights on the run's device, and an unshuffled loader over the split
    /// (batched as the trainer evaluates). The caller disposes both.</summary>
    public static (IImageClassifier Model, BatchLoader Loader, Device Device) Open(TrainingJob job, string weights, DatasetSplit split, TrainingRunOptions run)
    {
        var device = TorchRuntime.Resolve(run.Device);
        var data = DatasetCatalog.Load(job.Data);
        var model = ModelIo.LoadFrozen(job.Model,
            new ModelOptions { NumClasses = data.Train.NumClasses, InChannels = data.Train.Channels, ImageSize = data.Train.Height }, weights);
        model.Module.to(device);
        var images = split == DatasetSplit.Test ? data.Test : data.Validation;
        return (model, new BatchLoader(images, new BatchLoaderOptions
        {
            BatchSize = job.Recipe.BatchSize * 2, Workers = run.LoaderWorkers, PinMemory = device.type == DeviceType.CUDA,
        }), device);
    }
}
