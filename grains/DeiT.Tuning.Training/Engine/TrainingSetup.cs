using DeiT.Tuning.Training.Augment;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Devices;
using DeiT.Tuning.Training.Losses;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>Everything a job trains with, built from the job and its run options; owns and disposes it all.</summary>
internal sealed class TrainingSetup : IDisposable
{
    private TrainingSetup(TrainingJob job, TrainingRunOptions options)
    {
        Job = job;
        Device = TorchRuntime.Resolve(options.Device);
        Precision = options.Precision ?? PrecisionChoice.DefaultFor(Device);
        PrecisionChoice.ApplyMatmulMode(Precision, Device);
        Data = DatasetCatalog.Load(job.Data);
        var recipe = job.Recipe;
        var modelOptions = new ModelOptions
        {
            NumClasses = Data.Train.NumClasses,
            InChannels = Data.Train.Channels,
            ImageSize = Data.Train.Height,
            DropPath = recipe.DropPath,
        };
        torch.manual_seed(StepSeed.Initialization(job.Seed));
        Model = ModelZoo.Create(job.Model, modelOptions);
        if (job.InitWeights is { } init) ReplacedHeads = ModelIo.LoadPretrained(Model, init);
        Model.Module.to(Device);
        if (recipe.Distillation == DistillationType.None) FreezeDistillationHead(Model);
        else
        {
            if (!Model.HasDistillationHead)
                throw new ArgumentException($"Distillation '{recipe.Distillation}' needs a model with a distillation token, but '{job.Model}' has none; use a *_distilled_* preset or distillation none.");
            if (job.TeacherPath is null || job.TeacherModel is null)
                throw new ArgumentException($"Distillation '{recipe.Distillation}' needs a teacher: set TeacherPath (its safetensors) and TeacherModel (its preset name).");
            Teacher = FrozenTeacher.Load(job.TeacherModel, job.TeacherPath, modelOptions, Device);
        }

        TrainLoader = new BatchLoader(Data.Train, new BatchLoaderOptions
        {
            BatchSize = recipe.BatchSize,
            Shuffle = true,
            DropLast = true,
            Seed = job.Seed,
            Workers = options.LoaderWorkers,
            Transform = TrainTransforms.ForRecipe(recipe, Data.Train),
            RepeatedAugmentation = recipe.RepeatedAugmentation,
            PinMemory = Device.type == DeviceType.CUDA,
        });
        if (TrainLoader.BatchesPerEpoch == 0)
            throw new ArgumentException($"The training split has {Data.Train.Count} images, fewer than one batch of {recipe.BatchSize}; lower the batch size or raise the train limit.");
        ValidationLoader = EvaluationLoader(Data.Validation, recipe, options, Device);
        TestLoader = job.EvaluateTestEachEpoch ? EvaluationLoader(Data.Test, recipe, options, Device) : null;

        Optimizer = RecipeOptimizer.Create(Model, recipe, recipe.BatchSize);
        // Only the transformer's layers run through Autocast; a ConvNet trains in fp32 whatever the precision.
        ComputeWeights = ComputeType is { } low && Optimizer is FlatAdamW flat && Model.Module is VisionTransformer
            ? new ComputeWeights(flat, low)
            : null;
        Schedule = CosineSchedule.ForRecipe(recipe, recipe.BatchSize);
        Ema = recipe.EmaDecay is { } decay ? new ModelEma(Model, decay) : null;
        Loss = new DistillationLoss(recipe.Distillation, recipe.DistillationAlpha, recipe.DistillationTau);
        LossScaler = Precision == Precision.Fp16 ? new DynamicLossScaler() : null;
        Mixup = new MixupCutmix(recipe.MixupAlpha, recipe.CutmixAlpha, recipe.MixupProb, recipe.MixupSwitchProb, recipe.LabelSmoothing, Data.Train.NumClasses);
    }

    public TrainingJob Job { get; }
    public Device Device { get; }
    public Precision Precision { get; }
    /// <summary>The low type matmuls and attention run in (<see cref="Layers.Autocast"/>), or null for fp32.</summary>
    public ScalarType? ComputeType => PrecisionChoice.ComputeType(Precision);
    /// <summary>fp16 only.</summary>
    public DynamicLossScaler? LossScaler { get; }
    public DatasetSplits Data { get; }
    public IImageClassifier Model { get; }
    public IImageClassifier? Teacher { get; }
    /// <summary>Heads left freshly initialized when starting from <see cref="TrainingJob.InitWeights"/> (another class count).</summary>
    public IReadOnlyList<string> ReplacedHeads { get; } = [];
    public BatchLoader TrainLoader { get; }
    public BatchLoader ValidationLoader { get; }
    public BatchLoader? TestLoader { get; }
    public OptimizerHelper Optimizer { get; }
    /// <summary>Mixed precision with FlatAdamW: the weights' low-precision compute copies.</summary>
    public ComputeWeights? ComputeWeights { get; }
    public CosineSchedule Schedule { get; }
    public ModelEma? Ema { get; }
    public DistillationLoss Loss { get; }
    public MixupCutmix Mixup { get; }

    /// <summary>The weights evaluated and saved: the EMA copy when model EMA is on.</summary>
    public IImageClassifier EvaluatedModel => Ema?.Model ?? Model;

    public TrainingState State => new(Model.Module, Optimizer, Ema?.Model.Module, LossScaler);

    /// <summary>The gradients the optimizer reads (<see cref="DynamicLossScaler.GradientsOf"/>).</summary>
    public IEnumerable<Tensor> Gradients => DynamicLossScaler.GradientsOf(Optimizer, Model.Module);

    public static TrainingSetup Create(TrainingJob job, TrainingRunOptions options)
    {
        CpuThreading.SetOpenMpWaitPolicy(OpenMpWaitPolicy.Passive);   // takes effect only before libtorch's first use
        if (options.Threads is { } threads)
        {
            if (threads < 1) throw new ArgumentException($"Threads must be at least 1 (got {threads}).");
            torch.set_num_threads(threads);
        }
        return new TrainingSetup(job, options);
    }

    public void Dispose()
    {
        TrainLoader.Dispose();
        ValidationLoader.Dispose();
        TestLoader?.Dispose();
        ComputeWeights?.Dispose();
        Optimizer.Dispose();
        Ema?.Dispose();
        Teacher?.Module.Dispose();
        Model.Module.Dispose();
    }

    /// <summary>Without distillation the loss never reaches the distillation head: torch's AdamW skips parameters that
    /// get no gradient, whereas the flat optimizer would still decay their weights, so they are left out of it.</summary>
    private static void FreezeDistillationHead(IImageClassifier model)
    {
        foreach (var (name, parameter) in model.Module.named_parameters())
            if (name.StartsWith("head_dist.", StringComparison.Ordinal)) parameter.requires_grad = false;
    }

    private static BatchLoader EvaluationLoader(IImageSet data, DeitRecipe recipe, TrainingRunOptions options, Device device) =>
        new(data, new BatchLoaderOptions { BatchSize = recipe.BatchSize * 2, Workers = options.LoaderWorkers, PinMemory = device.type == DeviceType.CUDA });
}
