using System.Buffers;
using DeiT.Tuning.Training.Augment;

namespace DeiT.Tuning.Training.Data;

/// <summary>Renders a full-size original into a set's size×size CHW floats: the training transform's crop of it, or
/// the evaluation view (resize + center crop, then normalization) when there is no transform.</summary>
internal static class OriginalImage
{
    public static void Render(IImageSet set, DecodedImage original, Span<float> output, IImageTransform? transform, Random? rng, IOriginalCrop evalCrop)
    {
        if (transform is IOriginalImageTransform train)
        {
            train.ApplyToOriginal(original, output, set.Height, rng ?? throw new ArgumentNullException(nameof(rng)));
            return;
        }
        if (transform is not null)
            throw new ArgumentException($"{set.Name}: full-size images need a transform that starts from the original ({nameof(IOriginalImageTransform)}), got {transform.GetType().Name}.");
        var length = 3 * set.Height * set.Width;
        var chw = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            evalCrop.Apply(original, chw.AsSpan(0, length), set.Height, null);
            set.Normalization.Apply(chw.AsSpan(0, length), output, set.Channels);
        }
        finally { ArrayPool<byte>.Shared.Return(chw); }
    }
}
