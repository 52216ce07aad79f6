using DeiT.Tuning.Training.Augment;

namespace DeiT.Tuning.Training.Tests.Augment;

public class RandomExtensionsTests
{
    [Theory]
    [InlineData(0.8, 0.8)]
    [InlineData(1.0, 1.0)]
    [InlineData(2.0, 5.0)]
    public void Beta_has_its_mean_and_variance(double a, double b)
    {
        var rng = new Random(3);
        var x = Enumerable.Range(0, 20000).Select(_ => rng.Beta(a, b)).ToArray();
        double mean = x.Average(), variance = x.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, a / (a + b) - 0.01, a / (a + b) + 0.01);
        double expectedVariance = a * b / ((a + b) * (a + b) * (a + b + 1));
        Assert.InRange(variance, expectedVariance * 0.93, expectedVariance * 1.07);
        Assert.All(x, v => Assert.InRange(v, 0.0, 1.0));
    }

    [Fact]
    public void Gaussian_is_standard_normal()
    {
        var rng = new Random(4);
        var x = Enumerable.Range(0, 20000).Select(_ => rng.Gaussian()).ToArray();
        Assert.InRange(x.Average(), -0.03, 0.03);
        Assert.InRange(x.Select(v => v * v).Average(), 0.96, 1.04);
    }
}
