using System.Buffers;
using DeiT.Tuning.Training.Data;

namespace DeiT.Tuning.Training.Augment;

/// <summary>
/// PIL's bicubic Image.resize (Pillow's ImagingResample, 8-bit path) of a box of an RGB image, written as CHW: separable
/// convolution, horizontal pass first, kernel a = −0.5 widened by the downscale factor (antialiasing), coefficients
/// normalized then rounded to 22-bit fixed point. Same coefficients, same integer arithmetic, so the same bytes as
/// torchvision's resize/resized_crop on PIL images given the same box.
/// </summary>
public static class PilResize
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const double BicubicSupport = 2.0;

    /// <summary>Resizes rows [top, top+boxHeight) × columns [left, left+boxWidth) of <paramref name="image"/> to outHeight×outWidth CHW.</summary>
    public static void Bicubic(DecodedImage image, int top, int left, int boxHeight, int boxWidth, Span<byte> chw, int outHeight, int outWidth)
    {
        if (top < 0 || left < 0 || boxHeight <= 0 || boxWidth <= 0 || top + boxHeight > image.Height || left + boxWidth > image.Width)
            throw new ArgumentOutOfRangeException(nameof(top), $"Box ({top}, {left}, {boxHeight}, {boxWidth}) is not inside the {image.Height}×{image.Width} image.");
        if (chw.Length != 3 * outHeight * outWidth)
            throw new ArgumentException($"Output holds {chw.Length} bytes, expected 3×{outHeight}×{outWidth}.", nameof(chw));
        var horizontal = Coefficients.For(boxWidth, outWidth);
        var vertical = Coefficients.For(boxHeight, outHeight);
        // Like PIL: the horizontal pass covers only the source rows the vertical pass reads, and a pass is skipped
        // when its size does not change (its kernel would be the identity anyway).
        int firstRow = vertical.Start[0], lastRow = vertical.Start[outHeight - 1] + vertical.Count[outHeight - 1];
        int rows = lastRow - firstRow, stride = 3 * image.Width;
        ReadOnlySpan<byte> source = image.Pixels;
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> wide;       // HWC rows [firstRow, lastRow) of the box at the output width
            int wideStride;
            if (boxWidth != outWidth)
            {
                rented = ArrayPool<byte>.Shared.Rent(rows * 3 * outWidth);
                var temp = rented.AsSpan(0, rows * 3 * outWidth);
                for (int y = 0; y < rows; y++)
                    ResampleRow(source.Slice((top + firstRow + y) * stride + 3 * left, 3 * boxWidth), temp.Slice(y * 3 * outWidth, 3 * outWidth), horizontal);
                wide = temp;
                wideStride = 3 * outWidth;
            }
            else
            {
                wide = source.Slice((top + firstRow) * stride + 3 * left);
                wideStride = stride;
            }
            int plane = outHeight * outWidth;
            for (int y = 0; y < outHeight; y++)
            {
                int start = vertical.Start[y] - firstRow, count = vertical.Count[y];
                var k = vertical.Weights.AsSpan(y * vertical.Width, count);
                for (int x = 0; x < outWidth; x++)
                {
                    int r = 1 << (PrecisionBits - 1), g = r, b = r;
                    int at = start * wideStride + 3 * x;
                    for (int i = 0; i < count; i++, at += wideStride)
                    {
                        int weight = k[i];
                        r += wide[at] * weight;
                        g += wide[at + 1] * weight;
                        b += wide[at + 2] * weight;
                    }
                    int o = y * outWidth + x;
                    chw[o] = Clip8(r);
                    chw[plane + o] = Clip8(g);
                    chw[2 * plane + o] = Clip8(b);
                }
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void ResampleRow(ReadOnlySpan<byte> row, Span<byte> output, Coefficients k)
    {
        int outWidth = output.Length / 3;
        for (int x = 0; x < outWidth; x++)
        {
            int r = 1 << (PrecisionBits - 1), g = r, b = r;
            var weights = k.Weights.AsSpan(x * k.Width, k.Count[x]);
            var pixels = row.Slice(3 * k.Start[x], 3 * weights.Length);
            for (int i = 0; i < weights.Length; i++)
            {
                int weight = weights[i];
                r += pixels[3 * i] * weight;
                g += pixels[3 * i + 1] * weight;
                b += pixels[3 * i + 2] * weight;
            }
            output[3 * x] = Clip8(r);
            output[3 * x + 1] = Clip8(g);
            output[3 * x + 2] = Clip8(b);
        }
    }

    private static byte Clip8(int value)
    {
        int v = value >> PrecisionBits;
        return (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
    }

    private static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    /// <summary>Pillow's precompute_coeffs + normalize_coeffs_8bpc for one axis: per output pixel, the first input pixel,
    /// how many it reads, and its fixed-point weights (Width per row).</summary>
    private sealed class Coefficients
    {
        public required int[] Start, Count, Weights;
        public required int Width;

        public static Coefficients For(int inSize, int outSize)
        {
            double scale = (double)inSize / outSize, filterScale = Math.Max(scale, 1.0), ss = 1.0 / filterScale;
            double support = BicubicSupport * filterScale;
            int width = (int)Math.Ceiling(support) * 2 + 1;
            var start = new int[outSize];
            var count = new int[outSize];
            var weights = new int[outSize * width];
            Span<double> k = stackalloc double[width];
            for (int xx = 0; xx < outSize; xx++)
            {
                double center = (xx + 0.5) * scale;
                int xmin = Math.Max((int)(center - support + 0.5), 0);
                int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
                double total = 0;
                for (int x = 0; x < xmax; x++)
                {
                    k[x] = Cubic((x + xmin - center + 0.5) * ss);
                    total += k[x];
                }
                for (int x = 0; x < xmax; x++)
                {
                    double w = total != 0 ? k[x] / total : k[x];
                    weights[xx * width + x] = (int)(w * (1 << PrecisionBits) + (w < 0 ? -0.5 : 0.5));
                }
                start[xx] = xmin;
                count[xx] = xmax;
            }
            return new Coefficients { Start = start, Count = count, Weights = weights, Width = width };
        }
    }
}
