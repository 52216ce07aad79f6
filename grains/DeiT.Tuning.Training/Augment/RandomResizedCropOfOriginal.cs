using DeiT.Tuning.Training.Data;

namespace DeiT.Tuning.Training.Augment;

/// <summary>
/// timm/torchvision RandomResizedCrop on the original image: torchvision's get_params box (scale 0.08–1, log-uniform
/// ratio 3/4–4/3, 10 tries then the center-crop fallback), resized to size×size with PIL's bicubic.
/// </summary>
public sealed class RandomResizedCropOfOriginal(double minScale = 0.08, double maxScale = 1.0) : IOriginalCrop
{
    private readonly RandomResizedCrop _window = new(minScale, maxScale);

    public string Name => $"RandomResizedCrop(scale {minScale}–{maxScale}, bicubic, original)";

    public void Apply(DecodedImage original, Span<byte> chw, int size, Random? rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var (top, left, height, width) = _window.SampleWindow(original.Height, original.Width, rng);
        PilResize.Bicubic(original, top, left, height, width, chw, size, size);
    }
}
