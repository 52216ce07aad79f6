using System.Buffers;

namespace DeiT.Tuning.Training.Augment;

/// <summary>
/// torchvision RandomResizedCrop (scale 0.08–1, ratio 3/4–4/3) back to the image's own size, bilinear with
/// half-pixel centers: the crop for images already stored at the training resolution (ImageFolder).
/// </summary>
public sealed class RandomResizedCrop(double minScale = 0.08, double maxScale = 1.0, double minRatio = 3.0 / 4, double maxRatio = 4.0 / 3) : IPixelAugmentation
{
    public string Name => $"RandomResizedCrop(scale {minScale}–{maxScale})";

    public void Apply(Span<byte> chw, int c, int h, int w, Random rng)
    {
        var (top, left, ch, cw) = SampleWindow(h, w, rng);
        if (top == 0 && left == 0 && ch == h && cw == w) return;
        var copy = ArrayPool<byte>.Shared.Rent(chw.Length);
        try
        {
            var source = copy.AsSpan(0, chw.Length);
            chw.CopyTo(source);
            int plane = h * w;
            double sy = (double)ch / h, sx = (double)cw / w;
            for (int y = 0; y < h; y++)
            {
                double fy = Math.Clamp(top + (y + 0.5) * sy - 0.5, 0, h - 1);
                int y0 = (int)fy, y1 = Math.Min(y0 + 1, h - 1);
                double ty = fy - y0;
                for (int x = 0; x < w; x++)
                {
                    double fx = Math.Clamp(left + (x + 0.5) * sx - 0.5, 0, w - 1);
                    int x0 = (int)fx, x1 = Math.Min(x0 + 1, w - 1);
                    double tx = fx - x0;
                    for (int k = 0; k < c; k++)
                    {
                        var p = source.Slice(k * plane, plane);
                        double top0 = p[y0 * w + x0] + (p[y0 * w + x1] - p[y0 * w + x0]) * tx;
                        double bottom = p[y1 * w + x0] + (p[y1 * w + x1] - p[y1 * w + x0]) * tx;
                        chw[k * plane + y * w + x] = (byte)Math.Round(top0 + (bottom - top0) * ty);
                    }
                }
            }
        }
        finally { ArrayPool<byte>.Shared.Return(copy); }
    }

    /// <summary>torchvision's get_params: 10 tries at a random area and aspect ratio, then a center crop.</summary>
    public (int Top, int Left, int Height, int Width) SampleWindow(int h, int w, Random rng)
    {
        double area = h * w, logMin = Math.Log(minRatio), logMax = Math.Log(maxRatio);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * rng.Uniform(minScale, maxScale);
            double aspect = Math.Exp(rng.Uniform(logMin, logMax));
            int cw = (int)Math.Round(Math.Sqrt(target * aspect)), ch = (int)Math.Round(Math.Sqrt(target / aspect));
            if (cw > 0 && cw <= w && ch > 0 && ch <= h)
                return (rng.RandInt(0, h - ch), rng.RandInt(0, w - cw), ch, cw);
        }
        double ratio = (double)w / h;
        int fw = w, fh = h;
        if (ratio < minRatio) fh = (int)Math.Round(w / minRatio);
        else if (ratio > maxRatio) fw = (int)Math.Round(h * maxRatio);
        return ((h - fh) / 2, (w - fw) / 2, fh, fw);
    }
}
