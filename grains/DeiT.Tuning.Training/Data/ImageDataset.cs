using DeiT.Tuning.Training.Augment;

namespace DeiT.Tuning.Training.Data;

/// <summary>An in-memory labelled image set: uint8 pixels, CHW per image, images back to back.</summary>
public sealed class ImageDataset : IImageSet
{
    private readonly byte[] _pixels;
    private readonly int[] _labels;

    public ImageDataset(string name, int channels, int height, int width, byte[] pixels, int[] labels,
        IReadOnlyList<string> classNames, Normalization normalization)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"{name}: image shape {channels}×{height}×{width} must be positive.");
        long imageSize = (long)channels * height * width;
        if (pixels.LongLength != imageSize * labels.Length)
            throw new ArgumentException($"{name}: {pixels.LongLength} pixel bytes do not hold {labels.Length} images of {channels}×{height}×{width}.");
        if (normalization.Channels != channels)
            throw new ArgumentException($"{name}: normalization has {normalization.Channels} channels, images have {channels}.");
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"{name}: label {labels[i]} of image {i} is outside the {classNames.Count} classes.");
        Name = name;
        Channels = channels;
        Height = height;
        Width = width;
        _pixels = pixels;
        _labels = labels;
        ClassNames = classNames;
        Normalization = normalization;
    }

    public string Name { get; }
    public int Count => _labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int NumClasses => ClassNames.Count;
    public int ImageSize => Channels * Height * Width;
    public ReadOnlyMemory<byte> Pixels => _pixels;
    public IReadOnlyList<int> Labels => _labels;
    public IReadOnlyList<string> ClassNames { get; }
    public Normalization Normalization { get; }

    public ReadOnlySpan<byte> Image(int index) => _pixels.AsSpan(index * ImageSize, ImageSize);

    public void Render(int index, Span<float> output, IImageTransform? transform, Random? rng)
    {
        if (transform is null) Normalization.Apply(Image(index), output, Channels);
        else transform.Apply(Image(index), output, Channels, Height, Width, rng ?? throw new ArgumentNullException(nameof(rng)));
    }

    IImageSet IImageSet.Subset(IReadOnlyList<int> indices) => Subset(indices);

    IImageSet IImageSet.Take(int? count) => Take(count);

    /// <summary>A copy holding the given images, in the given order.</summary>
    public ImageDataset Subset(IReadOnlyList<int> indices)
    {
        int size = ImageSize;
        var pixels = new byte[(long)indices.Count * size];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int source = indices[i];
            if ((uint)source >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"{Name}: index {source} is outside 0..{Count - 1}.");
            Image(source).CopyTo(pixels.AsSpan(i * size, size));
            labels[i] = _labels[source];
        }
        return new ImageDataset(Name, Channels, Height, Width, pixels, labels, ClassNames, Normalization);
    }

    /// <summary>The first <paramref name="count"/> images (all of them when count is null or larger).</summary>
    public ImageDataset Take(int? count) =>
        count is { } n && n < Count ? Subset(Enumerable.Range(0, Math.Max(0, n)).ToArray()) : this;
}
