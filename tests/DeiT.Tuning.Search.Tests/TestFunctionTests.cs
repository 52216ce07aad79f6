using DeiT.Tuning.Search.Benchmarks;

namespace DeiT.Tuning.Search.Tests;

public class TestFunctionTests
{
    private static Dictionary<string, ParamValue> Point(params double[] x) =>
        x.Select((v, i) => (Name: $"x{i + 1}", v)).ToDictionary(p => p.Name, p => ParamValue.Of(p.v));

    [Fact]
    public void Known_minimizers_reach_the_published_minima()
    {
        var branin = TestFunction.Get("branin");
        foreach (var (x1, x2) in new[] { (-Math.PI, 12.275), (Math.PI, 2.275), (9.42478, 2.475) })
            Assert.Equal(branin.Minimum, branin[Point(x1, x2)], 5);
        var h6 = TestFunction.Get("hartmann6");
        Assert.Equal(h6.Minimum, h6[Point(0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573)], 5);
        var h3 = TestFunction.Get("hartmann3");
        Assert.Equal(h3.Minimum, h3[Point(0.114614, 0.555649, 0.852547)], 5);
    }

    [Fact]
    public void Regret_is_non_negative_and_shrinks_with_budget()
    {
        var f = TestFunction.Get("branin");
        var short_ = SamplerBenchmark.Regret(f, "sobol", 4, 3);
        var long_ = SamplerBenchmark.Regret(f, "sobol", 64, 3);
        Assert.All(short_.Regrets.Concat(long_.Regrets), r => Assert.True(r >= 0));
        Assert.True(long_.Median < short_.Median);
    }
}
