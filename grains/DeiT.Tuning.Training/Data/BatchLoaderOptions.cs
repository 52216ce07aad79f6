using DeiT.Tuning.Training.Augment;

namespace DeiT.Tuning.Training.Data;

public sealed record BatchLoaderOptions
{
    public int BatchSize { get; init; } = 64;
    public bool Shuffle { get; init; }
    public bool DropLast { get; init; }
    public int Seed { get; init; }
    /// <summary>Background threads preparing batches.</summary>
    public int Workers { get; init; } = 1;
    /// <summary>How many prepared batches may wait for the consumer.</summary>
    public int QueueCapacity { get; init; } = 4;
    /// <summary>Per-image training transform; null: normalize only (evaluation).</summary>
    public IImageTransform? Transform { get; init; }
    /// <summary>timm RASampler-style repeats: each shuffled index appears this many times in a row; the epoch keeps the dataset's length.</summary>
    public int RepeatedAugmentation { get; init; } = 1;
    /// <summary>Page-locked batch memory, so uploads to a CUDA device go at full speed; needs CUDA.</summary>
    public bool PinMemory { get; init; }
}
