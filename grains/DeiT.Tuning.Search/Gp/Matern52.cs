namespace DeiT.Tuning.Search.Gp;

/// <summary>
/// Matérn-5/2 with automatic relevance determination: k(a, b) = s·(1 + √5 r + 5r²/3)·exp(−√5 r),
/// r² = Σ_d (a_d − b_d)²/ℓ_d².
/// </summary>
internal static class Matern52
{
    public static readonly double Sqrt5 = Math.Sqrt(5);

    public static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> inverseSquaredLengthscales)
    {
        double r2 = 0;
        for (var d = 0; d < a.Length; d++)
        {
            var diff = a[d] - b[d];
            r2 += diff * diff * inverseSquaredLengthscales[d];
        }
        return r2;
    }

    /// <summary>The kernel at distance r, without the signal variance.</summary>
    public static double Value(double r2)
    {
        var r = Math.Sqrt(r2);
        return (1 + Sqrt5 * r + 5.0 / 3.0 * r2) * Math.Exp(-Sqrt5 * r);
    }

    /// <summary>
    /// −(1/r)·dk/dr without the signal variance: (5/3)(1 + √5 r)·exp(−√5 r). Then ∂k/∂a_d = −G·(a_d − b_d)/ℓ_d² and
    /// ∂k/∂log ℓ_d = G·(a_d − b_d)²/ℓ_d², both finite at r = 0.
    /// </summary>
    public static double RadialGradient(double r2)
    {
        var r = Math.Sqrt(r2);
        return 5.0 / 3.0 * (1 + Sqrt5 * r) * Math.Exp(-Sqrt5 * r);
    }
}
