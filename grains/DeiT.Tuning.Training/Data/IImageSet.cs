using DeiT.Tuning.Training.Augment;

namespace DeiT.Tuning.Training.Data;

/// <summary>
/// A labelled image set the loader draws from: in memory at the model's size (<see cref="ImageDataset"/>) or files
/// decoded per sample (<see cref="StreamingImageSet"/>). Height × Width is the size of the images it renders.
/// </summary>
public interface IImageSet
{
    string Name { get; }
    int Count { get; }
    int Channels { get; }
    int Height { get; }
    int Width { get; }
    int ImageSize => Channels * Height * Width;
    IReadOnlyList<int> Labels { get; }
    IReadOnlyList<string> ClassNames { get; }
    int NumClasses => ClassNames.Count;
    Normalization Normalization { get; }

    /// <summary>Image <paramref name="index"/> as normalized CHW floats: through <paramref name="transform"/> (with its
    /// draws from <paramref name="rng"/>), or, when it is null, the evaluation view.</summary>
    void Render(int index, Span<float> output, IImageTransform? transform, Random? rng);

    /// <summary>The given images, in the given order.</summary>
    IImageSet Subset(IReadOnlyList<int> indices);

    /// <summary>The epoch's distinct indices in order for a shuffled loader; null: a uniform shuffle of all of them.</summary>
    int[]? ShuffledOrder(int seed, int epoch) => null;

    /// <summary>The first <paramref name="count"/> images (all of them when count is null or larger).</summary>
    IImageSet Take(int? count) => count is { } n && n < Count ? Subset(Enumerable.Range(0, Math.Max(0, n)).ToArray()) : this;
}

/// <summary>A set whose images are full-size originals rendered per sample (files, or fake ones): its training
/// transform crops the original (timm's RandomResizedCrop) instead of a stored image at the model's size.</summary>
public interface IOriginalImageSet : IImageSet;
