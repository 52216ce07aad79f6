using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Tests.Support;

namespace DeiT.Tuning.Training.Tests.Optim;

public sealed class CosineScheduleTests(ParityFixture fixture) : IClassFixture<ParityFixture>
{
    [Fact]
    public void PerEpochLearningRatesEqualTimmsCosineSchedulerWithWarmup()
    {
        var json = fixture.Json.GetProperty("cosine_schedule");
        var schedule = new CosineSchedule(
            baseLr: json.GetProperty("base_lr").GetDouble(),
            minLr: json.GetProperty("min_lr").GetDouble(),
            warmupLr: json.GetProperty("warmup_lr").GetDouble(),
            warmupEpochs: json.GetProperty("warmup_epochs").GetInt32(),
            epochs: json.GetProperty("epochs").GetInt32());
        var expected = json.GetProperty("lr_per_epoch").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(schedule.Epochs, expected.Count);
        for (var epoch = 0; epoch < expected.Count; epoch++)
            TensorAssert.Close(schedule.LearningRate(epoch), expected[epoch], $"lr at epoch {epoch}", 1e-12);
    }

    [Fact]
    public void AfterTheLastEpochTheRateStaysAtTheMinimum()
    {
        var schedule = new CosineSchedule(5e-4, 1e-5, 1e-6, 5, 30);
        Assert.Equal(1e-5, schedule.LearningRate(30));
        Assert.Equal(1e-5, schedule.LearningRate(40));
    }

    [Fact]
    public void WithoutWarmupTheFirstEpochRunsAtTheBaseRate() =>
        Assert.Equal(5e-4, new CosineSchedule(5e-4, 1e-5, 1e-6, 0, 30).LearningRate(0), 15);

    [Fact]
    public void RecipeScheduleScalesOnlyTheBaseRate()
    {
        var schedule = CosineSchedule.ForRecipe(new DeitRecipe { BaseLr = 5e-4, Epochs = 10, WarmupEpochs = 2 }, 256);
        Assert.Equal(2.5e-4, schedule.BaseLr, 15);
        Assert.Equal(1e-5, schedule.MinLr);
        Assert.Equal(1e-6, schedule.LearningRate(0));
    }
}
