using MathNet.Numerics.LinearAlgebra;

namespace DeiT.Tuning.Search.Gp;

/// <summary>
/// The GP posterior of the latent function given inputs in the unit cube, standardized outputs and fixed kernel
/// hyperparameters: mean k^T α and variance s − |L⁻¹k|², with gradients for the acquisition's local refinement.
/// </summary>
internal sealed class GaussianProcess
{
    private readonly double[][] _x;
    private readonly double[] _lower;   // Cholesky factor L of K, row-major n×n
    private readonly double[] _alpha;   // K⁻¹ y
    private readonly double[] _inv;     // 1/ℓ²
    private readonly int _n;

    public GaussianProcess(double[][] x, double[] y, KernelParams parameters)
    {
        _x = x;
        _n = x.Length;
        Parameters = parameters;
        _inv = parameters.InverseSquaredLengthscales();
        var scale = parameters.Scale;
        var k = Matrix<double>.Build.Dense(_n, _n);
        for (var i = 0; i < _n; i++)
            for (var j = 0; j <= i; j++)
            {
                var v = scale * Matern52.Value(Matern52.SquaredDistance(x[i], x[j], _inv));
                k[i, j] = v;
                k[j, i] = v;
            }
        // Add the noise, and more jitter only if near-duplicate points make K numerically singular.
        MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double>? cholesky = null;
        for (var jitter = parameters.Noise; cholesky is null; jitter *= 10)
        {
            var kn = k.Clone();
            for (var i = 0; i < _n; i++) kn[i, i] += jitter;
            try { cholesky = kn.Cholesky(); }
            catch (ArgumentException) when (jitter < scale) { }
        }
        var factor = cholesky.Factor;
        _lower = new double[_n * _n];
        for (var i = 0; i < _n; i++)
            for (var j = 0; j <= i; j++) _lower[i * _n + j] = factor[i, j];
        _alpha = cholesky.Solve(Vector<double>.Build.DenseOfArray(y)).ToArray();
        TrainingMean = new double[_n];
        for (var i = 0; i < _n; i++)
        {
            double m = 0;
            for (var j = 0; j < _n; j++) m += k[i, j] * _alpha[j];
            TrainingMean[i] = m;
        }
    }

    public KernelParams Parameters { get; }

    /// <summary>The posterior mean at the training inputs (the noise-free estimate of each observation).</summary>
    public double[] TrainingMean { get; }

    public (double Mean, double Variance) Predict(double[] x)
    {
        var kx = new double[_n];
        for (var i = 0; i < _n; i++) kx[i] = Parameters.Scale * Matern52.Value(Matern52.SquaredDistance(x, _x[i], _inv));
        double mean = 0;
        for (var i = 0; i < _n; i++) mean += kx[i] * _alpha[i];
        var v = ForwardSolve(kx);
        double vv = 0;
        for (var i = 0; i < _n; i++) vv += v[i] * v[i];
        return (mean, Math.Max(Parameters.Scale - vv, 1e-12 * Parameters.Scale));
    }

    /// <summary>Mean, variance and their gradients with respect to x.</summary>
    public (double Mean, double Variance, double[] MeanGradient, double[] VarianceGradient) PredictWithGradient(double[] x)
    {
        var dims = x.Length;
        var scale = Parameters.Scale;
        var kx = new double[_n];
        var radial = new double[_n];
        for (var i = 0; i < _n; i++)
        {
            var r2 = Matern52.SquaredDistance(x, _x[i], _inv);
            kx[i] = scale * Matern52.Value(r2);
            radial[i] = scale * Matern52.RadialGradient(r2);
        }
        double mean = 0;
        for (var i = 0; i < _n; i++) mean += kx[i] * _alpha[i];
        var v = ForwardSolve(kx);
        double vv = 0;
        for (var i = 0; i < _n; i++) vv += v[i] * v[i];
        var kInvK = BackSolve(v); // K⁻¹ k
        var meanGradient = new double[dims];
        var varianceGradient = new double[dims];
        for (var i = 0; i < _n; i++)
        {
            for (var d = 0; d < dims; d++)
            {
                var dk = -radial[i] * (x[d] - _x[i][d]) * _inv[d];
                meanGradient[d] += dk * _alpha[i];
                varianceGradient[d] -= 2 * dk * kInvK[i];
            }
        }
        return (mean, Math.Max(scale - vv, 1e-12 * scale), meanGradient, varianceGradient);
    }

    private double[] ForwardSolve(double[] b)
    {
        var v = new double[_n];
        for (var i = 0; i < _n; i++)
        {
            var sum = b[i];
            var row = i * _n;
            for (var j = 0; j < i; j++) sum -= _lower[row + j] * v[j];
            v[i] = sum / _lower[row + i];
        }
        return v;
    }

    private double[] BackSolve(double[] b)
    {
        var v = new double[_n];
        for (var i = _n - 1; i >= 0; i--)
        {
            var sum = b[i];
            for (var j = i + 1; j < _n; j++) sum -= _lower[j * _n + i] * v[j];
            v[i] = sum / _lower[i * _n + i];
        }
        return v;
    }
}
