using MathNet.Numerics;

namespace DeiT.Tuning.Search.Samplers.Tpe;

/// <summary>Normal CDF pieces that stay accurate in the tails (an interval far above the mean is mirrored below it).</summary>
internal static class TruncatedNormal
{
    private static readonly double Sqrt2 = Math.Sqrt(2);

    public static double Cdf(double z) => 0.5 * SpecialFunctions.Erfc(-z / Sqrt2);

    public static double InvCdf(double p) => -Sqrt2 * SpecialFunctions.ErfcInv(2 * p);

    /// <summary>log(Φ(b) − Φ(a)) for a &lt; b.</summary>
    public static double LogMass(double a, double b)
    {
        if (a > 0) (a, b) = (-b, -a);
        var mass = Cdf(b) - Cdf(a);
        return mass > 0 ? Math.Log(mass) : LogTail(a, b);
    }

    /// <summary>A draw from N(0, 1) restricted to [a, b], by inverting the CDF.</summary>
    public static double Sample(double a, double b, double u)
    {
        var mirrored = a > 0;
        if (mirrored) (a, b) = (-b, -a);
        double ca = Cdf(a), cb = Cdf(b);
        double z;
        if (cb - ca > 1e-300)
        {
            var p = Math.Clamp(ca + u * (cb - ca), double.Epsilon, 1 - 1e-16);
            z = Math.Clamp(InvCdf(p), a, b);
        }
        else z = b; // the whole interval is far in the tail: its end nearest the mean carries the mass
        return mirrored ? -z : z;
    }

    // Both ends far below the mean: log of the density at the nearer end times the interval's effective width.
    private static double LogTail(double a, double b) => -0.5 * b * b - 0.5 * Math.Log(2 * Math.PI) - Math.Log(Math.Max(-b, 1e-300));
}
