using MathNet.Numerics;

namespace DeiT.Tuning.Search.Gp;

/// <summary>
/// log EI for minimization, numerically stable far from the incumbent (Ament et al. 2023, "Unexpected improvements
/// to expected improvement"): EI = σ·h(z), z = (f* − μ)/σ, h(z) = φ(z) + zΦ(z); for z ≤ −1, h is written
/// φ(z)·(1 − |z|·√(π/2)·erfcx(−z/√2)) and its log taken with log1mexp, so the acquisition keeps a useful slope
/// where plain EI underflows to zero.
/// </summary>
internal static class LogExpectedImprovement
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);
    private static readonly double SqrtHalfPi = Math.Sqrt(Math.PI / 2);
    private static readonly double Sqrt2 = Math.Sqrt(2);

    public static double Value(double mean, double variance, double best)
    {
        var sigma = Math.Sqrt(variance);
        return Math.Log(sigma) + LogH((best - mean) / sigma);
    }

    /// <summary>log EI and its derivatives with respect to the mean and the variance.</summary>
    public static (double Value, double DMean, double DVariance) WithDerivatives(double mean, double variance, double best)
    {
        var sigma = Math.Sqrt(variance);
        var z = (best - mean) / sigma;
        var dLogH = DLogH(z);
        var dMean = -dLogH / sigma;
        var dSigma = 1 / sigma - dLogH * z / sigma;
        return (Math.Log(sigma) + LogH(z), dMean, dSigma / (2 * sigma));
    }

    public static double LogH(double z)
    {
        if (z > -1) return Math.Log(Pdf(z) + z * Cdf(z));
        if (z > -1e8)
        {
            var a = Math.Log(Erfcx(-z / Sqrt2) * -z * SqrtHalfPi);
            return -0.5 * z * z - HalfLog2Pi + Log1MExp(a);
        }
        return -0.5 * z * z - HalfLog2Pi - 2 * Math.Log(-z);
    }

    /// <summary>d log h / dz = Φ(z)/h(z).</summary>
    public static double DLogH(double z)
    {
        if (z > -1) return Cdf(z) / (Pdf(z) + z * Cdf(z));
        var r = SqrtHalfPi * Erfcx(-z / Sqrt2); // Φ(z)/φ(z)
        return r / -double.ExpM1(Math.Log(-z * r));
    }

    /// <summary>exp(x²)·erfc(x) for x ≥ 0, by its asymptotic series where erfc underflows.</summary>
    public static double Erfcx(double x)
    {
        if (x < 25) return Math.Exp(x * x) * SpecialFunctions.Erfc(x);
        var inv2 = 1 / (x * x);
        return 1 / (x * Math.Sqrt(Math.PI)) * (1 - 0.5 * inv2 + 0.75 * inv2 * inv2 - 1.875 * inv2 * inv2 * inv2);
    }

    private static double Log1MExp(double a) => a > -Math.Log(2) ? Math.Log(-double.ExpM1(a)) : double.LogP1(-Math.Exp(a));

    private static double Pdf(double z) => Math.Exp(-0.5 * z * z - HalfLog2Pi);

    private static double Cdf(double z) => 0.5 * SpecialFunctions.Erfc(-z / Sqrt2);
}
