namespace DeiT.Tuning.Training.Engine;

/// <summary>Which data to train on. Kind: fashion-mnist | mnist | cifar10 | cifar100 | imagefolder.</summary>
public sealed record DatasetSpec
{
    public required string Kind { get; init; }
    /// <summary>Folder holding the files (IDX .gz/raw, CIFAR .bin, or an ImageFolder tree with train/ and val/).</summary>
    public required string Root { get; init; }
    /// <summary>Fraction of the training set held out (seeded) for validation; the test set stays untouched.</summary>
    public double ValidationFraction { get; init; } = 0.1;
    public int SplitSeed { get; init; } = 0;
    /// <summary>Use only the first N training / validation / test images (quick runs and tests).</summary>
    public int? TrainLimit { get; init; }
    public int? ValidationLimit { get; init; }
    public int? TestLimit { get; init; }
}

/// <summary>One DeiT training run: model preset, data, recipe and seed.</summary>
public sealed record TrainingJob
{
    public required string Model { get; init; }
    public required DatasetSpec Data { get; init; }
    public DeitRecipe Recipe { get; init; } = new();
    public int Seed { get; init; }
    /// <summary>Frozen ConvNet teacher (safetensors + its preset name) for soft/hard distillation.</summary>
    public string? TeacherPath { get; init; }
    public string? TeacherModel { get; init; }
    /// <summary>Weights (safetensors) to start from instead of a fresh initialization: fine-tuning at another
    /// resolution (pos_embed resized) or transfer to another dataset (heads of another class count replaced).</summary>
    public string? InitWeights { get; init; }
    /// <summary>Evaluate on the test split after every epoch too (reporting; selection uses validation).</summary>
    public bool EvaluateTestEachEpoch { get; init; }
}

/// <summary>Where and how a job runs, not what it learns.</summary>
public sealed record TrainingRunOptions
{
    /// <summary>"cpu" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Intra-op threads for CPU devices; null keeps libtorch's default.</summary>
    public int? Threads { get; init; }
    /// <summary>Folder for per-epoch checkpoints; when it holds one, training resumes from it.</summary>
    public string? CheckpointDirectory { get; init; }
    /// <summary>Background threads preparing batches.</summary>
    public int LoaderWorkers { get; init; } = 1;
    /// <summary>When set, the final weights (the EMA copy when model EMA is on) are saved here as safetensors.</summary>
    public string? OutputPath { get; init; }
    /// <summary>When set, the evaluated weights (the EMA copy when model EMA is on) of the best epoch so far by
    /// <see cref="BestMetric"/> on the validation split are kept here as safetensors.</summary>
    public string? BestWeightsPath { get; init; }
    public SelectionMetric BestMetric { get; init; } = SelectionMetric.Top1;
    /// <summary>Arithmetic of training and evaluation; null: <see cref="PrecisionChoice.DefaultFor"/> the device.</summary>
    public Precision? Precision { get; init; }
}
