using System.Buffers;
using DeiT.Tuning.Training.Data;

namespace DeiT.Tuning.Training.Augment;

/// <summary>
/// uint8 augmentations in order → to float and normalize → float augmentations in order. From an original of any
/// size (streamed files), <see cref="OriginalCrop"/> comes first and gives the size×size image the steps work on.
/// </summary>
public sealed class TransformPipeline : IOriginalImageTransform
{
    public TransformPipeline(IReadOnlyList<IPixelAugmentation> pixelSteps, Normalization normalization, IReadOnlyList<ITensorAugmentation> tensorSteps)
    {
        PixelSteps = pixelSteps;
        Normalization = normalization;
        TensorSteps = tensorSteps;
    }

    public IReadOnlyList<IPixelAugmentation> PixelSteps { get; }
    public Normalization Normalization { get; }
    public IReadOnlyList<ITensorAugmentation> TensorSteps { get; }
    /// <summary>The crop of an original (streamed files): timm's RandomResizedCrop; null when the pipeline only takes stored images.</summary>
    public IOriginalCrop? OriginalCrop { get; init; }

    /// <summary>Step names in order, e.g. "RandomCrop(pad 4)", "RandAugment(n 2, m 9, std 0.5)", "Normalize", ….</summary>
    public IReadOnlyList<string> StepNames =>
        [.. OriginalCrop is null ? Array.Empty<string>() : [OriginalCrop.Name], .. PixelSteps.Select(s => s.Name), "Normalize", .. TensorSteps.Select(s => s.Name)];

    public void Apply(ReadOnlySpan<byte> chw, Span<float> output, int c, int h, int w, Random rng)
    {
        int size = c * h * w;
        if (chw.Length != size || output.Length != size)
            throw new ArgumentException($"Image buffers hold {chw.Length} / {output.Length} values, expected {c}×{h}×{w} = {size}.");
        var rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var pixels = rented.AsSpan(0, size);
            chw.CopyTo(pixels);
            ApplySteps(pixels, output, c, h, w, rng);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public void ApplyToOriginal(DecodedImage original, Span<float> output, int size, Random rng)
    {
        if (OriginalCrop is null) throw new InvalidOperationException("This pipeline has no crop for originals (OriginalCrop); build it with TrainTransforms.ForRecipe on the streamed set.");
        int length = 3 * size * size;
        if (output.Length != length) throw new ArgumentException($"Output holds {output.Length} values, expected 3×{size}×{size} = {length}.");
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var pixels = rented.AsSpan(0, length);
            OriginalCrop.Apply(original, pixels, size, rng);
            ApplySteps(pixels, output, 3, size, size, rng);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void ApplySteps(Span<byte> pixels, Span<float> output, int c, int h, int w, Random rng)
    {
        foreach (var step in PixelSteps) step.Apply(pixels, c, h, w, rng);
        Normalization.Apply(pixels, output, c);
        foreach (var step in TensorSteps) step.Apply(output, c, h, w, rng);
    }
}
