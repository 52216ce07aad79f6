namespace DeiT.Tuning.Training.Engine;

/// <summary>timm's CosineLRScheduler stepped per epoch with one cycle: linear warmup from
/// <see cref="WarmupLr"/> over <see cref="WarmupEpochs"/>, then cosine from <see cref="BaseLr"/> to
/// <see cref="MinLr"/> over <see cref="Epochs"/> measured from epoch 0 (t is not shifted by the warmup), and the
/// minimum after that.</summary>
public sealed class CosineSchedule
{
    public CosineSchedule(double baseLr, double minLr, double warmupLr, int warmupEpochs, int epochs)
    {
        if (epochs <= 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be positive");
        if (warmupEpochs < 0) throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, "warmup epochs must be non-negative");
        if (baseLr < 0 || minLr < 0 || warmupLr < 0)
            throw new ArgumentOutOfRangeException(nameof(baseLr), "learning rates must be non-negative");
        BaseLr = baseLr;
        MinLr = minLr;
        WarmupLr = warmupLr;
        WarmupEpochs = warmupEpochs;
        Epochs = epochs;
    }

    /// <summary>The recipe's schedule; the base rate is scaled by global batch / 512 (DeiT scales only the base).</summary>
    public static CosineSchedule ForRecipe(DeitRecipe recipe, int globalBatch) =>
        new(DeitOptimizer.ScaledLearningRate(recipe, globalBatch), recipe.MinLr, recipe.WarmupLr, recipe.WarmupEpochs, recipe.Epochs);

    public double BaseLr { get; }
    public double MinLr { get; }
    public double WarmupLr { get; }
    public int WarmupEpochs { get; }
    public int Epochs { get; }

    /// <summary>Learning rate for the epoch (counted from 0).</summary>
    public double LearningRate(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "epochs count from 0");
        if (epoch < WarmupEpochs) return WarmupLr + epoch * (BaseLr - WarmupLr) / WarmupEpochs;
        if (epoch >= Epochs) return MinLr;
        return MinLr + 0.5 * (BaseLr - MinLr) * (1 + Math.Cos(Math.PI * epoch / Epochs));
    }
}
