using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
    public static unsafe void Bicubic(DecodedImage image, int top, int left, int boxHeight, int boxWidth, Span<byte> chw, int outHeight, int outWidth)
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
        int rows = lastRow - firstRow, stride = 3 * image.Width, rowBytes = 3 * outWidth;
        byte[]? temp = boxWidth != outWidth ? ArrayPool<byte>.Shared.Rent(rows * rowBytes) : null;
        var sums = ArrayPool<int>.Shared.Rent(rowBytes);
        try
        {
            fixed (byte* source = image.Pixels, tempStart = temp, output = chw)
            fixed (int* acc = sums, hStart = horizontal.Start, hCount = horizontal.Count, hWeights = horizontal.Weights, vWeights = vertical.Weights)
            {
                byte* wide;        // HWC rows [firstRow, lastRow) of the box at the output width
                int wideStride;
                if (temp is not null)
                {
                    byte* end = source + image.Pixels.Length;
                    for (int y = 0; y < rows; y++)
                        ResampleRow(source + (top + firstRow + y) * stride + 3 * left, end, tempStart + y * rowBytes, outWidth, hStart, hCount, hWeights, horizontal.Width);
                    wide = tempStart;
                    wideStride = rowBytes;
                }
                else
                {
                    wide = source + (top + firstRow) * stride + 3 * left;
                    wideStride = stride;
                }
                int plane = outHeight * outWidth;
                for (int y = 0; y < outHeight; y++)
                {
                    // Row by row through the source (contiguous reads) into per-value sums, as PIL's sums per pixel.
                    for (int x = 0; x < rowBytes; x++) acc[x] = 1 << (PrecisionBits - 1);
                    int count = vertical.Count[y];
                    int* k = vWeights + y * vertical.Width;
                    byte* row = wide + (vertical.Start[y] - firstRow) * wideStride;
                    for (int i = 0; i < count; i++, row += wideStride) AddScaledRow(acc, row, rowBytes, k[i]);
                    byte* r = output + y * outWidth, g = r + plane, b = g + plane;
                    for (int x = 0; x < outWidth; x++)
                    {
                        r[x] = Clip8(acc[3 * x]);
                        g[x] = Clip8(acc[3 * x + 1]);
                        b[x] = Clip8(acc[3 * x + 2]);
                    }
                }
            }
        }
        finally
        {
            if (temp is not null) ArrayPool<byte>.Shared.Return(temp);
            ArrayPool<int>.Shared.Return(sums);
        }
    }

    /// <summary>acc[x] += row[x]·weight: exact integer arithmetic, so vector and scalar give the same sums.</summary>
    private static unsafe void AddScaledRow(int* acc, byte* row, int length, int weight)
    {
        int x = 0;
        if (Avx2.IsSupported)
        {
            var w = Vector256.Create(weight);
            for (; x + 8 <= length; x += 8)
                Avx.Store(acc + x, Avx2.Add(Avx.LoadVector256(acc + x), Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(row + x), w)));
        }
        for (; x < length; x++) acc[x] += row[x] * weight;
    }

    /// <param name="end">end of the source buffer: a vector load of a pixel's 4 bytes must not pass it.</param>
    private static unsafe void ResampleRow(byte* row, byte* end, byte* output, int outWidth, int* start, int* count, int* weights, int width)
    {
        var half = Vector128.Create(1 << (PrecisionBits - 1));
        for (int x = 0; x < outWidth; x++)
        {
            int* k = weights + x * width;
            byte* p = row + 3 * start[x];
            int n = count[x];
            if (Sse41.IsSupported && p + 3 * n + 1 <= end)
            {
                // One lane per channel (the 4th lane reads the next pixel's red and is dropped).
                var sum = half;
                for (int i = 0; i < n; i++, p += 3)
                    sum = Sse2.Add(sum, Sse41.MultiplyLow(Sse41.ConvertToVector128Int32(p), Vector128.Create(k[i])));
                output[3 * x] = Clip8(sum.GetElement(0));
                output[3 * x + 1] = Clip8(sum.GetElement(1));
                output[3 * x + 2] = Clip8(sum.GetElement(2));
                continue;
            }
            int r = 1 << (PrecisionBits - 1), g = r, b = r;
            for (int i = 0; i < n; i++, p += 3)
            {
                int weight = k[i];
                r += p[0] * weight;
                g += p[1] * weight;
                b += p[2] * weight;
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
