using System.Buffers;
using DeiT.Tuning.Training.Data;

namespace DeiT.Tuning.Training.Augment;

/// <summary>uint8 augmentations in order → to float and normalize → float augmentations in order.</summary>
public sealed class TransformPipeline : IImageTransform
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

    /// <summary>Step names in order, e.g. "RandomCrop(pad 4)", "RandAugment(n 2, m 9, std 0.5)", "Normalize", ….</summary>
    public IReadOnlyList<string> StepNames =>
        [.. PixelSteps.Select(s => s.Name), "Normalize", .. TensorSteps.Select(s => s.Name)];

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
            foreach (var step in PixelSteps) step.Apply(pixels, c, h, w, rng);
            Normalization.Apply(pixels, output, c);
            foreach (var step in TensorSteps) step.Apply(output, c, h, w, rng);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
