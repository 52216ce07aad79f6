using DeiT.Tuning.Search.Benchmarks;

namespace DeiT.Tuning.Search.Tests;

public class LearningCurveBenchmarkTests
{
    private static Dictionary<string, ParamValue> At(double x1, double x2) => new() { ["x1"] = ParamValue.Of(x1), ["x2"] = ParamValue.Of(x2) };

    [Fact]
    public void Curves_cross_so_the_early_leader_finishes_worse()
    {
        var fast = At(0.1, 0.3);
        var optimum = At(0.7, 0.3);
        Assert.True(LearningCurveBenchmark.Value(fast, 1) < LearningCurveBenchmark.Value(optimum, 1));
        Assert.True(LearningCurveBenchmark.Value(fast, LearningCurveBenchmark.MaxEpochs) > LearningCurveBenchmark.Value(optimum, LearningCurveBenchmark.MaxEpochs));
        Assert.Equal(LearningCurveBenchmark.Minimum, LearningCurveBenchmark.Value(optimum, 10_000), 9);
    }

    [Fact]
    public void Regret_is_read_at_each_epoch_budget_and_shrinks()
    {
        var results = LearningCurveBenchmark.Run("random", "hyperband:min_resource=1,max_resource=27,reduction_factor=3", [54, 540], 3);
        Assert.Equal([54, 540], results.Select(r => r.Epochs));
        Assert.All(results.SelectMany(r => r.Regrets), r => Assert.True(r >= 0));
        Assert.True(results[1].Median <= results[0].Median);
    }
}
