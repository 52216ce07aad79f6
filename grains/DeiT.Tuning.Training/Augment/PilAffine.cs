using System.Buffers;

namespace DeiT.Tuning.Training.Augment;

/// <summary>
/// PIL's Image.transform(AFFINE) with bilinear resampling on uint8 CHW images: output pixel (x, y) samples the input at
/// (a·x' + b·y' + c, d·x' + e·y' + f) with x' = x + ½, y' = y + ½; points outside the image take the fill color.
/// </summary>
public static class PilAffine
{
    public static void Transform(Span<byte> chw, int channels, int height, int width, ReadOnlySpan<double> matrix, ReadOnlySpan<byte> fill)
    {
        if (matrix.Length != 6) throw new ArgumentException("An affine matrix has 6 coefficients (a, b, c, d, e, f).", nameof(matrix));
        if (fill.Length != channels) throw new ArgumentException($"Fill has {fill.Length} values for {channels} channels.", nameof(fill));
        double a = matrix[0], b = matrix[1], c = matrix[2], d = matrix[3], e = matrix[4], f = matrix[5];
        int plane = height * width;
        var copy = ArrayPool<byte>.Shared.Rent(chw.Length);
        try
        {
            var source = copy.AsSpan(0, chw.Length);
            chw.CopyTo(source);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double xo = x + 0.5, yo = y + 0.5;
                    double xin = a * xo + b * yo + c;
                    double yin = d * xo + e * yo + f;
                    int at = y * width + x;
                    if (xin < 0.0 || xin >= width || yin < 0.0 || yin >= height)
                    {
                        for (int ch = 0; ch < channels; ch++) chw[ch * plane + at] = fill[ch];
                        continue;
                    }
                    xin -= 0.5;
                    yin -= 0.5;
                    int x0 = (int)Math.Floor(xin), y0 = (int)Math.Floor(yin);
                    double dx = xin - x0, dy = yin - y0;
                    int xa = Math.Clamp(x0, 0, width - 1), xb = Math.Clamp(x0 + 1, 0, width - 1);
                    int ya = Math.Clamp(y0, 0, height - 1);
                    bool hasNextRow = y0 + 1 >= 0 && y0 + 1 < height;
                    for (int ch = 0; ch < channels; ch++)
                    {
                        var p = source.Slice(ch * plane, plane);
                        double v1 = Lerp(p[ya * width + xa], p[ya * width + xb], dx);
                        double v2 = hasNextRow ? Lerp(p[(y0 + 1) * width + xa], p[(y0 + 1) * width + xb], dx) : v1;
                        chw[ch * plane + at] = (byte)Lerp(v1, v2, dy);
                    }
                }
        }
        finally { ArrayPool<byte>.Shared.Return(copy); }
    }

    private static double Lerp(double a, double b, double t) => a + (b - a) * t;

    /// <summary>Image.rotate(degrees) about the center, same size: PIL's inverse matrix rounded to 15 decimals.</summary>
    public static double[] Rotation(double degrees, int height, int width)
    {
        double angle = -((((degrees % 360) + 360) % 360) * (Math.PI / 180.0));
        double cos = Math.Round(Math.Cos(angle), 15), sin = Math.Round(Math.Sin(angle), 15);
        double cx = width / 2.0, cy = height / 2.0;
        double[] m = [cos, sin, 0.0, -sin, cos, 0.0];
        m[2] = m[0] * -cx + m[1] * -cy + cx;
        m[5] = m[3] * -cx + m[4] * -cy + cy;
        return m;
    }

    public static double[] ShearX(double factor) => [1, factor, 0, 0, 1, 0];
    public static double[] ShearY(double factor) => [1, 0, 0, factor, 1, 0];
    public static double[] TranslateX(double pixels) => [1, 0, pixels, 0, 1, 0];
    public static double[] TranslateY(double pixels) => [1, 0, 0, 0, 1, pixels];
}
