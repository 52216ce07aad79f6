using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Samplers.Tpe;

namespace DeiT.Tuning.Search.Tests;

/// <summary>
/// Our Parzen estimator against Optuna 3.1's _ParzenEstimator (univariate, prior weight 1, magic clip, no end
/// points): the expected log densities were computed with optuna.samplers._tpe.parzen_estimator on the same inputs.
/// </summary>
public class ParzenEstimatorTests
{
    private static void Expect(Distribution dim, double[] observed, double[] at, double[] optunaLogPdf, Func<double, double> toInternal)
    {
        var pe = new ParzenEstimator([dim], observed.Select(o => new[] { toInternal(o) }).ToList(), priorWeight: 1.0, multivariate: false);
        for (var i = 0; i < at.Length; i++) Assert.Equal(optunaLogPdf[i], pe.LogPdf([toInternal(at[i])]), 7);
    }

    [Fact]
    public void Continuous_log_density_equals_optunas()
    {
        // Optuna: mus [0.1 0.5 0.55 0.9 0.5], sigmas [0.4 0.4 0.35 0.35 1.0], weights 0.2 each.
        Expect(new FloatDistribution("x", 0, 1), [0.1, 0.5, 0.55, 0.9], [0.2, 0.7, 0.0], [-0.72851159, -0.62430107, -0.93033889], x => x);
    }

    [Fact]
    public void Integer_log_mass_equals_optunas()
    {
        // Optuna widens [1, 10] to [0.5, 10.5]: sigmas [3 3 1.667 3.5 10].
        Expect(new IntDistribution("n", 1, 10), [2, 5, 5, 9], [1, 5, 7], [-2.61943788, -1.97311516, -2.23686048], x => x);
    }

    [Fact]
    public void Log_range_density_in_log_space_equals_optunas()
    {
        Expect(new FloatDistribution("lr", 1e-5, 1e-1, Log: true), [1e-3, 1e-2], [1e-4, 1e-2], [-0.8152727, -0.54575371], Math.Log);
    }

    [Fact]
    public void Categorical_log_probability_equals_optunas()
    {
        Expect(new CategoricalDistribution("c", ["a", "b", "c"]), [0, 2, 2], [0, 1, 2], [-1.09861229, -1.65822808, -0.74193734], x => x);
    }

    [Fact]
    public void Weights_ramp_up_from_one_over_n_after_25_observations_as_optunas()
    {
        var w = ParzenEstimator.Weights(30);
        Assert.Equal(1.0 / 30, w[0], 12);
        Assert.Equal(1.0, w[4], 12);
        Assert.All(w.Skip(5), x => Assert.Equal(1.0, x));
        // Normalized with the prior (weight 1), Optuna gives 0.00116618 to the oldest and the density below at 0.33.
        var observed = Enumerable.Range(0, 30).Select(i => new[] { 0.01 + i * 0.98 / 29 }).ToList();
        var pe = new ParzenEstimator([new FloatDistribution("x", 0, 1)], observed, 1.0, multivariate: false);
        Assert.Equal(-2.64632476, pe.LogPdf([0.33]), 8);
    }
}
