using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Gp;
using DeiT.Tuning.Search.Random;

namespace DeiT.Tuning.Search.Tests;

public class GpMathTests
{
    private static (double[][] X, double[] Y) Data(int n, int dims, int seed)
    {
        var rng = new Rng(seed);
        var x = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, dims).Select(_ => rng.NextDouble()).ToArray()).ToArray();
        var y = x.Select(p => Math.Sin(4 * p[0]) + p.Sum() - 0.2 * rng.NextNormal()).ToArray();
        var mean = y.Average();
        return (x, y.Select(v => v - mean).ToArray());
    }

    [Fact]
    public void Marginal_likelihood_gradient_matches_finite_differences()
    {
        var (x, y) = Data(25, 3, 1);
        double[] theta = [Math.Log(0.4), Math.Log(0.7), Math.Log(1.3), 0.2, Math.Log(0.05)];
        var gradient = new double[theta.Length];
        MarginalLikelihood.NegativeLogPosterior(x, y, theta, gradient);
        for (var i = 0; i < theta.Length; i++)
        {
            const double h = 1e-5;
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            var scratch = new double[theta.Length];
            var numeric = (MarginalLikelihood.NegativeLogPosterior(x, y, plus, scratch) - MarginalLikelihood.NegativeLogPosterior(x, y, minus, scratch)) / (2 * h);
            Assert.Equal(numeric, gradient[i], 4);
        }
    }

    [Fact]
    public void Fit_improves_the_posterior_and_finds_short_lengthscales_for_the_relevant_input()
    {
        var rng = new Rng(3);
        var x = Enumerable.Range(0, 40).Select(_ => new[] { rng.NextDouble(), rng.NextDouble() }).ToArray();
        var y = x.Select(p => Math.Sin(8 * p[0])).ToArray(); // varies along x0 only
        var start = KernelParams.Initial(2);
        var fitted = MarginalLikelihood.Fit(x, y, [(start, 100)]);
        var g = new double[4];
        Assert.True(MarginalLikelihood.NegativeLogPosterior(x, y, fitted.ToVector(), g) < MarginalLikelihood.NegativeLogPosterior(x, y, start.ToVector(), g));
        Assert.True(fitted.LogLengthscales[0] < fitted.LogLengthscales[1] - 1, $"lengthscales {Math.Exp(fitted.LogLengthscales[0])}, {Math.Exp(fitted.LogLengthscales[1])}");
        Assert.True(fitted.Noise < 1e-2, $"noise {fitted.Noise} for a noiseless function");
    }

    [Fact]
    public void Posterior_interpolates_and_its_gradients_match_finite_differences()
    {
        var (x, y) = Data(30, 3, 2);
        var parameters = new KernelParams([Math.Log(0.3), Math.Log(0.5), Math.Log(0.8)], 0, Math.Log(1e-5));
        var gp = new GaussianProcess(x, y, parameters);
        var (mean0, variance0) = gp.Predict(x[4]);
        Assert.Equal(y[4], mean0, 2);
        Assert.True(variance0 < 1e-3);

        double[] at = [0.41, 0.37, 0.62];
        var (_, _, dMean, dVariance) = gp.PredictWithGradient(at);
        for (var d = 0; d < 3; d++)
        {
            const double h = 1e-6;
            var plus = (double[])at.Clone();
            var minus = (double[])at.Clone();
            plus[d] += h;
            minus[d] -= h;
            Assert.Equal((gp.Predict(plus).Mean - gp.Predict(minus).Mean) / (2 * h), dMean[d], 4);
            Assert.Equal((gp.Predict(plus).Variance - gp.Predict(minus).Variance) / (2 * h), dVariance[d], 4);
        }
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.3)]
    [InlineData(-0.5)]
    [InlineData(-3.0)]
    [InlineData(-8.0)]
    public void Log_ei_agrees_with_the_textbook_formula_where_that_is_accurate(double z)
    {
        var phi = Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
        var cdf = 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-z / Math.Sqrt(2));
        Assert.Equal(Math.Log(phi + z * cdf), LogExpectedImprovement.LogH(z), 6);
        var h = 1e-5;
        Assert.Equal((LogExpectedImprovement.LogH(z + h) - LogExpectedImprovement.LogH(z - h)) / (2 * h), LogExpectedImprovement.DLogH(z), 4);
    }

    [Fact]
    public void Log_ei_stays_finite_and_increasing_far_below_the_incumbent()
    {
        var previous = double.NegativeInfinity;
        foreach (var z in new[] { -1e9, -1e5, -300.0, -40, -20, -10, -5 })
        {
            var v = LogExpectedImprovement.LogH(z);
            Assert.True(double.IsFinite(v) && v > previous, $"log h({z}) = {v}");
            Assert.True(double.IsFinite(LogExpectedImprovement.DLogH(z)) && LogExpectedImprovement.DLogH(z) > 0);
            previous = v;
        }
        // Asymptotically h(z) ≈ φ(z)/z²: log h(−40) ≈ −800 − ½log 2π − 2 log 40.
        Assert.Equal(-800 - 0.5 * Math.Log(2 * Math.PI) - 2 * Math.Log(40), LogExpectedImprovement.LogH(-40), 2);
    }

    [Fact]
    public void Without_sobol_candidates_the_acquisition_ends_in_the_ei_maximum_around_the_incumbents()
    {
        // A zero-mean GP on values near 1 in [0, 0.3] (best between trials, near 0.12), on poor values packed into
        // [0.45, 0.7], and nothing beyond: EI is largest near x = 1, with a smaller maximum near 0.12. Ascent from the
        // incumbents alone (GpSampler's local suggestions) cannot cross the packed stretch, where EI is flat zero.
        var encoder = new UnitCubeEncoder(new SearchSpace([new FloatDistribution("x", 0, 1)]));
        double[] good = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3], poor = [0.45, 0.5, 0.55, 0.6, 0.65, 0.7];
        var x = good.Concat(poor).Select(v => new[] { v }).ToArray();
        var y = good.Select(v => 1 + (v - 0.12) * (v - 0.12)).Concat(poor.Select(_ => 2.0)).ToArray();
        var gp = new GaussianProcess(x, y, new KernelParams([Math.Log(0.1)], 0, Math.Log(1e-6)));
        var incumbents = x.Take(good.Length).OrderBy(p => Math.Abs(p[0] - 0.12)).Take(5).ToList();
        var optimizer = new AcquisitionOptimizer(gp, encoder, y.Min(), []);

        var global = optimizer.Maximize(256, 7, incumbents, new Rng(7))[0];
        var local = optimizer.Maximize(0, 7, incumbents, new Rng(7))[0];
        Assert.True(global > 0.75, $"with Sobol candidates EI's global maximum: {global}");
        Assert.InRange(local, 0, 0.4);
    }
}
