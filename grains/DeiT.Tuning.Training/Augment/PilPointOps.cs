using System.Buffers;

namespace DeiT.Tuning.Training.Augment;

/// <summary>
/// PIL 9.4's ImageOps / ImageEnhance point operations on uint8 CHW images (1 channel = mode "L", 3 = "RGB"),
/// reproducing its integer and single-precision arithmetic so results are pixel-equal.
/// </summary>
public static class PilPointOps
{
    public static void Invert(Span<byte> chw)
    {
        for (int i = 0; i < chw.Length; i++) chw[i] = (byte)(255 - chw[i]);
    }

    /// <summary>ImageOps.posterize: keep the top <paramref name="bits"/> bits (timm returns the image unchanged at 8+).</summary>
    public static void Posterize(Span<byte> chw, int bits)
    {
        if (bits >= 8) return;
        byte mask = (byte)(~((1 << (8 - Math.Max(bits, 0))) - 1) & 0xFF);
        for (int i = 0; i < chw.Length; i++) chw[i] &= mask;
    }

    /// <summary>ImageOps.solarize: invert every value at or above the threshold.</summary>
    public static void Solarize(Span<byte> chw, int threshold)
    {
        for (int i = 0; i < chw.Length; i++)
            if (chw[i] >= threshold) chw[i] = (byte)(255 - chw[i]);
    }

    /// <summary>timm solarize_add: add to every value below the threshold, saturating at 255.</summary>
    public static void SolarizeAdd(Span<byte> chw, int add, int threshold = 128)
    {
        for (int i = 0; i < chw.Length; i++)
            if (chw[i] < threshold) chw[i] = (byte)Math.Min(255, chw[i] + add);
    }

    /// <summary>ImageOps.autocontrast (cutoff 0): per channel, stretch [lowest, highest] present value to [0, 255].</summary>
    public static void AutoContrast(Span<byte> chw, int channels)
    {
        int plane = chw.Length / channels;
        Span<int> histogram = stackalloc int[256];
        Span<byte> lut = stackalloc byte[256];
        for (int c = 0; c < channels; c++)
        {
            var p = chw.Slice(c * plane, plane);
            Histogram(p, histogram);
            int lo = 0, hi = 255;
            while (lo < 256 && histogram[lo] == 0) lo++;
            while (hi >= 0 && histogram[hi] == 0) hi--;
            if (hi <= lo) continue;
            double scale = 255.0 / (hi - lo);
            double offset = -lo * scale;
            for (int i = 0; i < 256; i++) lut[i] = (byte)Math.Clamp((int)(i * scale + offset), 0, 255);
            ApplyLut(p, lut);
        }
    }

    /// <summary>ImageOps.equalize: per channel, PIL's cumulative-histogram lookup table.</summary>
    public static void Equalize(Span<byte> chw, int channels)
    {
        int plane = chw.Length / channels;
        Span<int> histogram = stackalloc int[256];
        Span<byte> lut = stackalloc byte[256];
        for (int c = 0; c < channels; c++)
        {
            var p = chw.Slice(c * plane, plane);
            Histogram(p, histogram);
            int nonZeroBins = 0, total = 0, lastNonZero = 0;
            for (int i = 0; i < 256; i++)
                if (histogram[i] != 0) { nonZeroBins++; total += histogram[i]; lastNonZero = histogram[i]; }
            if (nonZeroBins <= 1) continue;
            int step = (total - lastNonZero) / 256;
            if (step == 0) continue;
            int n = step / 2;
            for (int i = 0; i < 256; i++)
            {
                lut[i] = (byte)Math.Min(255, n / step);
                n += histogram[i];
            }
            ApplyLut(p, lut);
        }
    }

    /// <summary>ImageEnhance.Color: blend with the grayscale image (identity for 1 channel).</summary>
    public static void Color(Span<byte> chw, int channels, float factor)
    {
        if (channels == 1) return;   // "L" → "L" conversion is the image itself; blending it with itself changes nothing
        RequireRgb(channels);
        int plane = chw.Length / 3;
        var gray = ArrayPool<byte>.Shared.Rent(plane);
        try
        {
            Grayscale(chw, gray.AsSpan(0, plane));
            for (int c = 0; c < 3; c++) Blend(gray.AsSpan(0, plane), chw.Slice(c * plane, plane), factor);
        }
        finally { ArrayPool<byte>.Shared.Return(gray); }
    }

    /// <summary>ImageEnhance.Contrast: blend with the constant image at the rounded mean of the grayscale image.</summary>
    public static void Contrast(Span<byte> chw, int channels, float factor)
    {
        int plane = chw.Length / channels;
        long sum = 0;
        if (channels == 1)
            foreach (byte v in chw) sum += v;
        else
        {
            RequireRgb(channels);
            for (int i = 0; i < plane; i++) sum += Luma(chw[i], chw[plane + i], chw[2 * plane + i]);
        }
        int mean = (int)((double)sum / plane + 0.5);
        for (int i = 0; i < chw.Length; i++) chw[i] = Blend((byte)mean, chw[i], factor);
    }

    /// <summary>ImageEnhance.Brightness: blend with black.</summary>
    public static void Brightness(Span<byte> chw, float factor)
    {
        for (int i = 0; i < chw.Length; i++) chw[i] = Blend(0, chw[i], factor);
    }

    /// <summary>ImageEnhance.Sharpness: blend with ImageFilter.SMOOTH of the image (borders unfiltered).</summary>
    public static void Sharpness(Span<byte> chw, int channels, int height, int width, float factor)
    {
        var smooth = ArrayPool<byte>.Shared.Rent(chw.Length);
        try
        {
            var degenerate = smooth.AsSpan(0, chw.Length);
            Smooth(chw, degenerate, channels, height, width);
            Blend(degenerate, chw, factor);
        }
        finally { ArrayPool<byte>.Shared.Return(smooth); }
    }

    /// <summary>PIL's 3×3 SMOOTH filter (kernel 1 1 1 / 1 5 1 / 1 1 1, scale 13) with its float accumulation order.</summary>
    public static void Smooth(ReadOnlySpan<byte> chw, Span<byte> output, int channels, int height, int width)
    {
        chw.CopyTo(output);
        if (height < 3 || width < 3) return;
        float k1 = 1f / 13f, k5 = 5f / 13f;
        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            var src = chw.Slice(c * plane, plane);
            var dst = output.Slice(c * plane, plane);
            for (int y = 1; y < height - 1; y++)
            {
                var above = src.Slice((y - 1) * width, width);
                var row = src.Slice(y * width, width);
                var below = src.Slice((y + 1) * width, width);
                for (int x = 1; x < width - 1; x++)
                {
                    float ss = 0.5f;
                    ss += below[x - 1] * k1 + below[x] * k1 + below[x + 1] * k1;
                    ss += row[x - 1] * k1 + row[x] * k5 + row[x + 1] * k1;
                    ss += above[x - 1] * k1 + above[x] * k1 + above[x + 1] * k1;
                    dst[y * width + x] = Clip8(ss);
                }
            }
        }
    }

    /// <summary>Image.blend(degenerate, image, factor) in place on <paramref name="image"/>.</summary>
    private static void Blend(ReadOnlySpan<byte> degenerate, Span<byte> image, float factor)
    {
        for (int i = 0; i < image.Length; i++) image[i] = Blend(degenerate[i], image[i], factor);
    }

    /// <summary>PIL ImagingBlend: in1 + α·(in2 − in1) in float; truncated inside [0,1], clipped when extrapolating.</summary>
    public static byte Blend(byte in1, byte in2, float alpha)
    {
        float value = in1 + alpha * (in2 - in1);
        if (alpha >= 0 && alpha <= 1) return (byte)value;
        return Clip8(value);
    }

    private static byte Clip8(float value) => value <= 0f ? (byte)0 : value >= 255f ? (byte)255 : (byte)value;

    /// <summary>PIL's RGB → L: (R·19595 + G·38470 + B·7471 + 0x8000) >> 16.</summary>
    public static byte Luma(byte r, byte g, byte b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    private static void Grayscale(ReadOnlySpan<byte> rgb, Span<byte> gray)
    {
        int plane = gray.Length;
        for (int i = 0; i < plane; i++) gray[i] = Luma(rgb[i], rgb[plane + i], rgb[2 * plane + i]);
    }

    private static void Histogram(ReadOnlySpan<byte> plane, Span<int> histogram)
    {
        histogram.Clear();
        foreach (byte v in plane) histogram[v]++;
    }

    private static void ApplyLut(Span<byte> plane, ReadOnlySpan<byte> lut)
    {
        for (int i = 0; i < plane.Length; i++) plane[i] = lut[plane[i]];
    }

    private static void RequireRgb(int channels)
    {
        if (channels != 3) throw new ArgumentException($"PIL enhance ops take 1 (L) or 3 (RGB) channels, got {channels}.");
    }
}
