using System.Buffers;
using DeiT.Tuning.Training.Data;

namespace DeiT.Tuning.Training.Augment;

/// <summary>
/// timm's evaluation transform: resize the shorter side to floor(size / cropPct) with PIL's bicubic (torchvision
/// Resize(int)), then the center size×size (torchvision CenterCrop's rounding). Deterministic.
/// </summary>
public sealed class ResizeCenterCrop(double cropPct = ResizeCenterCrop.DefaultCropPct) : IOriginalCrop
{
    /// <summary>timm's DEFAULT_CROP_PCT, DeiT's evaluation crop at 224.</summary>
    public const double DefaultCropPct = 0.875;

    public string Name => $"ResizeCenterCrop(crop_pct {cropPct})";

    public void Apply(DecodedImage original, Span<byte> chw, int size, Random? rng)
    {
        var (top, left, _, _) = CenterBox(original.Height, original.Width, size);
        var (height, width) = ResizedShape(original.Height, original.Width, ScaledSize(size));
        var resized = ArrayPool<byte>.Shared.Rent(3 * height * width);
        try
        {
            PilResize.Bicubic(original, 0, 0, original.Height, original.Width, resized.AsSpan(0, 3 * height * width), height, width);
            int plane = size * size, resizedPlane = height * width;
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < size; y++)
                    resized.AsSpan(c * resizedPlane + (top + y) * width + left, size).CopyTo(chw.Slice(c * plane + y * size, size));
        }
        finally { ArrayPool<byte>.Shared.Return(resized); }
    }

    /// <summary>timm's scale_size: floor(size / crop_pct), 256 for 224 at 0.875.</summary>
    public int ScaledSize(int size) => (int)Math.Floor(size / cropPct);

    /// <summary>torchvision Resize(shorter): the shorter side becomes <paramref name="shorter"/>, the longer int(shorter·long/short).</summary>
    public static (int Height, int Width) ResizedShape(int height, int width, int shorter)
    {
        int small = Math.Min(height, width), large = Math.Max(height, width);
        int newLarge = (int)((double)shorter * large / small);
        return height <= width ? (shorter, newLarge) : (newLarge, shorter);
    }

    /// <summary>The center crop's box in the resized image (torchvision: int(round((h − size) / 2))).</summary>
    public (int Top, int Left, int Height, int Width) CenterBox(int height, int width, int size)
    {
        var (h, w) = ResizedShape(height, width, ScaledSize(size));
        if (h < size || w < size)
            throw new ArgumentException($"crop_pct {cropPct} resizes a {height}×{width} image to {h}×{w}, smaller than the {size}-pixel crop; use crop_pct ≤ 1.");
        return ((int)Math.Round((h - size) / 2.0), (int)Math.Round((w - size) / 2.0), size, size);
    }
}
