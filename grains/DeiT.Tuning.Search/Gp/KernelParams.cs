namespace DeiT.Tuning.Search.Gp;

/// <summary>
/// Hyperparameters of the Matérn-5/2 ARD kernel on the unit cube, in log space (the fit's coordinates):
/// one log lengthscale per input dimension, the log signal variance and the log of the noise variance above its
/// floor (noise = <see cref="MinNoise"/> + exp(LogNoise)). Outputs are standardized, so all are order one.
/// </summary>
internal sealed record KernelParams(double[] LogLengthscales, double LogScale, double LogNoise)
{
    public const double MinNoise = 1e-6;

    public int Dimensions => LogLengthscales.Length;
    public double Scale => Math.Exp(LogScale);
    public double Noise => MinNoise + Math.Exp(LogNoise);

    /// <summary>1/ℓ² per dimension.</summary>
    public double[] InverseSquaredLengthscales() => LogLengthscales.Select(l => Math.Exp(-2 * l)).ToArray();

    /// <summary>The starting point of a fit without history: lengthscale 0.5, unit signal, small noise.</summary>
    public static KernelParams Initial(int dimensions) => new(Enumerable.Repeat(Math.Log(0.5), dimensions).ToArray(), 0, Math.Log(1e-3));

    public double[] ToVector() => [.. LogLengthscales, LogScale, LogNoise];

    public static KernelParams FromVector(double[] v) => new(v[..^2], v[^2], v[^1]);
}
