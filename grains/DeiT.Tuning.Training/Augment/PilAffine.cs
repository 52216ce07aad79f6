using System.Buffers;

namespace DeiT.Tuning.Training.Augment;

/// <summary>PIL resampling filters for geometric ops (timm: bilinear or bicubic; DeiT trains with bicubic).</summary>
public enum PilResampling { Bilinear, Bicubic }

/// <summary>
/// PIL's Image.transform(AFFINE) on uint8 CHW images: output pixel (x, y) samples the input at
/// (a·x' + b·y' + c, d·x' + e·y' + f) with x' = x + ½, y' = y + ½; points outside the image take the fill color.
/// The filters follow PIL's Geometry.c: neighbours clamped to the edge, results truncated to uint8.
/// </summary>
public static class PilAffine
{
    public static void Transform(Span<byte> chw, int channels, int height, int width, ReadOnlySpan<double> matrix,
        ReadOnlySpan<byte> fill, PilResampling resampling = PilResampling.Bilinear)
    {
        if (matrix.Length != 6) throw new ArgumentException("An affine matrix has 6 coefficients (a, b, c, d, e, f).", nameof(matrix));
        if (fill.Length != channels) throw new ArgumentException($"Fill has {fill.Length} values for {channels} channels.", nameof(fill));
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
                    double xin = matrix[0] * xo + matrix[1] * yo + matrix[2];
                    double yin = matrix[3] * xo + matrix[4] * yo + matrix[5];
                    int at = y * width + x;
                    bool outside = xin < 0.0 || xin >= width || yin < 0.0 || yin >= height;
                    for (int ch = 0; ch < channels; ch++)
                    {
                        var p = source.Slice(ch * plane, plane);
                        chw[ch * plane + at] = outside ? fill[ch]
                            : resampling == PilResampling.Bilinear ? Bilinear(p, height, width, xin - 0.5, yin - 0.5)
                            : Bicubic(p, height, width, xin - 0.5, yin - 0.5);
                    }
                }
        }
        finally { ArrayPool<byte>.Shared.Return(copy); }
    }

    private static byte Bilinear(ReadOnlySpan<byte> p, int height, int width, double xin, double yin)
    {
        int x = (int)Math.Floor(xin), y = (int)Math.Floor(yin);
        double dx = xin - x, dy = yin - y;
        int x0 = Math.Clamp(x, 0, width - 1), x1 = Math.Clamp(x + 1, 0, width - 1);
        int row = Math.Clamp(y, 0, height - 1) * width;
        double v1 = Lerp(p[row + x0], p[row + x1], dx);
        double v2 = v1;
        if (y + 1 >= 0 && y + 1 < height) v2 = Lerp(p[(y + 1) * width + x0], p[(y + 1) * width + x1], dx);
        return (byte)Lerp(v1, v2, dy);
    }

    private static double Lerp(double a, double b, double t) => a + (b - a) * t;

    private static byte Bicubic(ReadOnlySpan<byte> p, int height, int width, double xin, double yin)
    {
        int x = (int)Math.Floor(xin), y = (int)Math.Floor(yin);
        double dx = xin - x, dy = yin - y;
        x--;
        y--;
        int x0 = Math.Clamp(x, 0, width - 1), x1 = Math.Clamp(x + 1, 0, width - 1);
        int x2 = Math.Clamp(x + 2, 0, width - 1), x3 = Math.Clamp(x + 3, 0, width - 1);
        double v1 = CubicRow(p.Slice(Math.Clamp(y, 0, height - 1) * width, width), x0, x1, x2, x3, dx);
        double v2 = y + 1 >= 0 && y + 1 < height ? CubicRow(p.Slice((y + 1) * width, width), x0, x1, x2, x3, dx) : v1;
        double v3 = y + 2 >= 0 && y + 2 < height ? CubicRow(p.Slice((y + 2) * width, width), x0, x1, x2, x3, dx) : v2;
        double v4 = y + 3 >= 0 && y + 3 < height ? CubicRow(p.Slice((y + 3) * width, width), x0, x1, x2, x3, dx) : v3;
        double v = Cubic(v1, v2, v3, v4, dy);
        return v <= 0.0 ? (byte)0 : v >= 255.0 ? (byte)255 : (byte)v;
    }

    private static double CubicRow(ReadOnlySpan<byte> row, int x0, int x1, int x2, int x3, double d) =>
        Cubic(row[x0], row[x1], row[x2], row[x3], d);

    /// <summary>PIL's cubic (a = −1) through four samples, evaluated between the middle two at offset d.</summary>
    private static double Cubic(double v1, double v2, double v3, double v4, double d)
    {
        double p1 = v2;
        double p2 = -v1 + v3;
        double p3 = 2 * (v1 - v2) + v3 - v4;
        double p4 = -v1 + v2 - v3 + v4;
        return p1 + d * (p2 + d * (p3 + d * p4));
    }

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
