namespace DeiT.Tuning.Training.Augment;

/// <summary>
/// timm RandomErasing, pixel mode, one region: with probability p, up to 10 tries to place a rectangle of area
/// U(minArea, maxArea)·H·W and aspect ratio exp(U(log minAspect, log maxAspect)); fills it with N(0,1) noise per
/// pixel and channel, on the normalized image.
/// </summary>
public sealed class RandomErasing : ITensorAugmentation
{
    private readonly double _probability, _minArea, _maxArea, _logMinAspect, _logMaxAspect;

    public RandomErasing(double probability, double minArea = 0.02, double maxArea = 1.0 / 3, double minAspect = 0.3, double? maxAspect = null)
    {
        if (probability is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(probability), $"Erasing probability must be in [0, 1], got {probability}.");
        _probability = probability;
        _minArea = minArea;
        _maxArea = maxArea;
        _logMinAspect = Math.Log(minAspect);
        _logMaxAspect = Math.Log(maxAspect ?? 1 / minAspect);
    }

    public string Name => $"RandomErasing(p {_probability}, pixel)";

    public void Apply(Span<float> chw, int c, int h, int w, Random rng)
    {
        if (rng.NextDouble() > _probability) return;
        var box = SampleBox(h, w, rng);
        if (box is not var (top, left, eh, ew)) return;
        for (int ch = 0; ch < c; ch++)
            for (int y = top; y < top + eh; y++)
            {
                var row = chw.Slice(ch * h * w + y * w + left, ew);
                for (int x = 0; x < ew; x++) row[x] = (float)rng.Gaussian();
            }
    }

    /// <summary>The erased rectangle (top, left, height, width), or null when 10 tries found none that fits.</summary>
    public (int Top, int Left, int Height, int Width)? SampleBox(int h, int w, Random rng)
    {
        double area = h * w;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double targetArea = rng.Uniform(_minArea, _maxArea) * area;
            double aspect = Math.Exp(rng.Uniform(_logMinAspect, _logMaxAspect));
            int eh = (int)Math.Round(Math.Sqrt(targetArea * aspect), MidpointRounding.ToEven);
            int ew = (int)Math.Round(Math.Sqrt(targetArea / aspect), MidpointRounding.ToEven);
            if (ew < w && eh < h)
                return (rng.RandInt(0, h - eh), rng.RandInt(0, w - ew), eh, ew);
        }
        return null;
    }
}
