namespace DeiT.Tuning.Training.Augment;

/// <summary>The draws timm's augmentations make with Python's `random` and NumPy, on System.Random.</summary>
public static class RandomExtensions
{
    /// <summary>Uniform in [a, b) (Python's random.uniform).</summary>
    public static double Uniform(this Random rng, double a, double b) => a + (b - a) * rng.NextDouble();

    /// <summary>Integer in [a, b] inclusive (Python's random.randint).</summary>
    public static int RandInt(this Random rng, int a, int b) => rng.Next(a, b + 1);

    /// <summary>Standard normal (Box–Muller).</summary>
    public static double Gaussian(this Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();   // (0, 1]: log is finite
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static double Gaussian(this Random rng, double mean, double std) => mean + std * rng.Gaussian();

    /// <summary>Gamma(shape, 1) by Marsaglia–Tsang; shape &lt; 1 boosted by U^(1/shape).</summary>
    public static double Gamma(this Random rng, double shape)
    {
        if (!(shape > 0)) throw new ArgumentOutOfRangeException(nameof(shape), $"Gamma shape must be positive, got {shape}.");
        if (shape < 1) return rng.Gamma(shape + 1) * Math.Pow(1.0 - rng.NextDouble(), 1.0 / shape);
        double d = shape - 1.0 / 3.0, c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = rng.Gaussian();
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = 1.0 - rng.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    /// <summary>Beta(a, b) from two Gamma draws (NumPy's random.beta).</summary>
    public static double Beta(this Random rng, double a, double b)
    {
        double x = rng.Gamma(a), y = rng.Gamma(b);
        return x / (x + y);
    }
}
