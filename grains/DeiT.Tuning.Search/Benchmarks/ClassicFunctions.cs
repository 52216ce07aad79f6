namespace DeiT.Tuning.Search.Benchmarks;

/// <summary>The standard continuous test functions of the public suite (definitions as in shared/peers/suite.py).</summary>
internal static class ClassicFunctions
{
    /// <summary>Branin–Hoo on [−5, 10] × [0, 15]; three global minima of 0.397887.</summary>
    public static double Branin(double[] x)
    {
        var b = 5.1 / (4 * Math.PI * Math.PI);
        var u = x[1] - b * x[0] * x[0] + 5 / Math.PI * x[0] - 6;
        return u * u + 10 * (1 - 1 / (8 * Math.PI)) * Math.Cos(x[0]) + 10;
    }

    public static double SixHumpCamel(double[] x)
    {
        double x1 = x[0], x2 = x[1];
        return (4 - 2.1 * x1 * x1 + Math.Pow(x1, 4) / 3) * x1 * x1 + x1 * x2 + (-4 + 4 * x2 * x2) * x2 * x2;
    }

    private static readonly double[] HartmannAlpha = [1.0, 1.2, 3.0, 3.2];

    private static readonly double[,] Hartmann3A = { { 3, 10, 30 }, { 0.1, 10, 35 }, { 3, 10, 30 }, { 0.1, 10, 35 } };

    private static readonly double[,] Hartmann3P =
        { { 0.3689, 0.1170, 0.2673 }, { 0.4699, 0.4387, 0.7470 }, { 0.1091, 0.8732, 0.5547 }, { 0.0381, 0.5743, 0.8828 } };

    private static readonly double[,] Hartmann6A =
    {
        { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 },
    };

    private static readonly double[,] Hartmann6P =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 }, { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 }, { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    public static double Hartmann3(double[] x) => Hartmann(x, Hartmann3A, Hartmann3P);

    public static double Hartmann6(double[] x) => Hartmann(x, Hartmann6A, Hartmann6P);

    /// <summary>Hartmann-3/6 on the unit cube: −Σ α_i exp(−Σ_j A_ij (x_j − P_ij)²).</summary>
    private static double Hartmann(double[] x, double[,] a, double[,] p)
    {
        double sum = 0;
        for (var i = 0; i < 4; i++)
        {
            double inner = 0;
            for (var j = 0; j < x.Length; j++)
            {
                var d = x[j] - p[i, j];
                inner += a[i, j] * d * d;
            }
            sum += HartmannAlpha[i] * Math.Exp(-inner);
        }
        return -sum;
    }

    private static readonly double[] ShekelB = [0.1, 0.2, 0.2, 0.4, 0.4, 0.6, 0.3, 0.7, 0.5, 0.5];

    private static readonly double[,] ShekelC =
    {
        { 4, 1, 8, 6, 3, 2, 5, 8, 6, 7 }, { 4, 1, 8, 6, 7, 9, 3, 1, 2, 3.6 },
        { 4, 1, 8, 6, 3, 2, 5, 8, 6, 7 }, { 4, 1, 8, 6, 7, 9, 3, 1, 2, 3.6 },
    };

    /// <summary>Shekel with 10 wells on [0, 10]⁴: −Σ_i 1 / (‖x − C_i‖² + b_i).</summary>
    public static double Shekel10(double[] x)
    {
        double sum = 0;
        for (var i = 0; i < 10; i++)
        {
            double d2 = 0;
            for (var j = 0; j < 4; j++) d2 += (x[j] - ShekelC[j, i]) * (x[j] - ShekelC[j, i]);
            sum += 1 / (d2 + ShekelB[i]);
        }
        return -sum;
    }

    public static double Ackley(double[] x)
    {
        var squares = x.Average(v => v * v);
        var cosines = x.Average(v => Math.Cos(2 * Math.PI * v));
        return -20 * Math.Exp(-0.2 * Math.Sqrt(squares)) - Math.Exp(cosines) + 20 + Math.E;
    }

    public static double Rosenbrock(double[] x)
    {
        double sum = 0;
        for (var i = 0; i + 1 < x.Length; i++)
            sum += 100 * Math.Pow(x[i + 1] - x[i] * x[i], 2) + Math.Pow(1 - x[i], 2);
        return sum;
    }

    public static double StyblinskiTang(double[] x) => 0.5 * x.Sum(v => Math.Pow(v, 4) - 16 * v * v + 5 * v);

    /// <summary>Michalewicz with steepness m = 10: −Σ sin(x_i) sin(i x_i² / π)^20.</summary>
    public static double Michalewicz(double[] x)
    {
        double sum = 0;
        for (var i = 0; i < x.Length; i++)
            sum += Math.Sin(x[i]) * Math.Pow(Math.Sin((i + 1) * x[i] * x[i] / Math.PI), 20);
        return -sum;
    }
}
