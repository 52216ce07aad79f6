using DeiT.Tuning.Training.Data;

namespace DeiT.Tuning.Training.Augment;

/// <summary>A training transform that can also start from a decoded original of any size (streamed image files).</summary>
public interface IOriginalImageTransform : IImageTransform
{
    /// <summary>The original cropped and resized to size×size, then the rest of the transform, into normalized CHW floats.</summary>
    void ApplyToOriginal(DecodedImage original, Span<float> output, int size, Random rng);
}
