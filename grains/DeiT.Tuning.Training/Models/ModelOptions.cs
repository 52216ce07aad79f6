namespace DeiT.Tuning.Training.Models;

public sealed record ModelOptions
{
    public int NumClasses { get; init; } = 1000;
    public int InChannels { get; init; } = 3;
    /// <summary>Input height = width; null: the preset's own size.</summary>
    public int? ImageSize { get; init; }
    /// <summary>Stochastic-depth rate (linear 0..rate over blocks).</summary>
    public double DropPath { get; init; }

    internal void Validate()
    {
        if (NumClasses <= 0) throw new ArgumentOutOfRangeException(nameof(NumClasses), NumClasses, "number of classes must be positive");
        if (InChannels <= 0) throw new ArgumentOutOfRangeException(nameof(InChannels), InChannels, "input channels must be positive");
        if (ImageSize is <= 0) throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, "image size must be positive (or null for the preset's size)");
        if (DropPath is < 0 or >= 1 || double.IsNaN(DropPath))
            throw new ArgumentOutOfRangeException(nameof(DropPath), DropPath, "drop-path rate must be in [0, 1)");
    }
}
