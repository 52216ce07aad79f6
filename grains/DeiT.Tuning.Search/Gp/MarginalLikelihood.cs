using MathNet.Numerics.LinearAlgebra;

namespace DeiT.Tuning.Search.Gp;

/// <summary>
/// Fits the kernel hyperparameters by maximizing log marginal likelihood + log prior (MAP) with L-BFGS and analytic
/// gradients: ∂/∂θ log p(y) = ½·tr((αα^T − K⁻¹)·∂K/∂θ), K from a MathNet Cholesky. Priors (Optuna's GP sampler's,
/// on standardized outputs and the unit cube): −0.1(ℓ² + 1/ℓ²) per lengthscale, Gamma(2, 1) on the signal variance,
/// Gamma(1.1, 30) on the noise variance (which pulls it small for deterministic objectives but lets it grow
/// for noisy ones such as validation accuracy).
/// </summary>
internal static class MarginalLikelihood
{
    private const double LogBound = 12; // |log θ| beyond this is outside the domain (keeps exp finite and K invertible)

    /// <summary>The best MAP fit over the given starting points.</summary>
    public static KernelParams Fit(double[][] x, double[] y, IEnumerable<KernelParams> starts, int maxIterations)
    {
        KernelParams? best = null;
        var bestValue = double.PositiveInfinity;
        foreach (var start in starts)
        {
            var (theta, value) = Lbfgs.Minimize((t, g) => NegativeLogPosterior(x, y, t, g), start.ToVector(), maxIterations);
            if (value < bestValue)
            {
                bestValue = value;
                best = KernelParams.FromVector(theta);
            }
        }
        return best ?? starts.First();
    }

    /// <summary>−(log p(y | θ) + log p(θ)) and its gradient with respect to θ.</summary>
    public static double NegativeLogPosterior(double[][] x, double[] y, double[] theta, double[] gradient)
    {
        if (theta.Any(t => !double.IsFinite(t) || Math.Abs(t) > LogBound)) return double.NaN;
        var p = KernelParams.FromVector(theta);
        int n = y.Length, dims = p.Dimensions;
        var inv = p.InverseSquaredLengthscales();
        var scale = p.Scale;
        var noise = p.Noise;

        var r2 = new double[n, n];
        var k = Matrix<double>.Build.Dense(n, n);
        for (var i = 0; i < n; i++)
        {
            k[i, i] = scale + noise;
            for (var j = 0; j < i; j++)
            {
                r2[i, j] = Matern52.SquaredDistance(x[i], x[j], inv);
                var v = scale * Matern52.Value(r2[i, j]);
                k[i, j] = v;
                k[j, i] = v;
            }
        }
        MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> cholesky;
        try
        {
            cholesky = k.Cholesky();
        }
        catch (ArgumentException)
        {
            return double.NaN;
        }
        var yv = Vector<double>.Build.DenseOfArray(y);
        var alpha = cholesky.Solve(yv);
        var logLikelihood = -0.5 * yv.DotProduct(alpha) - 0.5 * cholesky.DeterminantLn - 0.5 * n * Math.Log(2 * Math.PI);

        var kInverse = cholesky.Solve(Matrix<double>.Build.DenseIdentity(n));
        Array.Clear(gradient);
        // W = αα^T − K⁻¹; gradient of the log likelihood, then negated below.
        double traceW = 0;
        for (var i = 0; i < n; i++)
        {
            traceW += alpha[i] * alpha[i] - kInverse[i, i];
            for (var j = 0; j < i; j++)
            {
                var w = alpha[i] * alpha[j] - kInverse[i, j]; // counted twice (i, j) and (j, i)
                var rr = r2[i, j];
                gradient[dims] += w * scale * Matern52.Value(rr);
                var g = w * scale * Matern52.RadialGradient(rr);
                for (var d = 0; d < dims; d++)
                {
                    var diff = x[i][d] - x[j][d];
                    gradient[d] += g * diff * diff * inv[d];
                }
            }
        }
        // Diagonal: ∂K_ii/∂log s = s, ∂K_ii/∂θ_noise = exp(θ_noise); lengthscales do not touch it.
        for (var i = 0; i < n; i++) gradient[dims] += 0.5 * (alpha[i] * alpha[i] - kInverse[i, i]) * scale;
        var noiseDerivative = Math.Exp(p.LogNoise);
        gradient[dims + 1] = 0.5 * traceW * noiseDerivative;

        // Log prior and its gradient.
        double logPrior = 0;
        for (var d = 0; d < dims; d++)
        {
            var l2 = Math.Exp(2 * p.LogLengthscales[d]);
            logPrior -= 0.1 * (l2 + 1 / l2);
            gradient[d] -= 0.2 * (l2 - 1 / l2);
        }
        logPrior += Math.Log(scale) - scale;             // Gamma(2, 1)
        gradient[dims] += 1 - scale;
        logPrior += 0.1 * Math.Log(noise) - 30 * noise;  // Gamma(1.1, 30)
        gradient[dims + 1] += (0.1 / noise - 30) * noiseDerivative;

        for (var i = 0; i < gradient.Length; i++) gradient[i] = -gradient[i];
        return -(logLikelihood + logPrior);
    }
}
