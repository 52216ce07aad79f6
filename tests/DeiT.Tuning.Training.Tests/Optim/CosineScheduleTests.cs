using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Tests.Support;

namespace DeiT.Tuning.Training.Tests.Optim;

public sealed class CosineScheduleTests(ParityFixture fixture) : IClassFixture<ParityFixture>
{
    [Fact]
    public void Per_epoch_learning_rates_equal_timms_cosine_scheduler_with_warmup()
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
    public void After_the_last_epoch_the_rate_stays_at_the_minimum()
    {
        var schedule = new CosineSchedule(5e-4, 1e-5, 1e-6, 5, 30);
        Assert.Equal(1e-5, schedule.LearningRate(30));
        Assert.Equal(1e-5, schedule.LearningRate(40));
    }

    [Fact]
    public void Without_warmup_the_first_epoch_runs_at_the_base_rate() =>
        Assert.Equal(5e-4, new CosineSchedule(5e-4, 1e-5, 1e-6, 0, 30).LearningRate(0), 15);

    [Fact]
    public void Recipe_schedule_scales_only_the_base_rate()
    {
        var schedule = CosineSchedule.ForRecipe(new DeitRecipe { BaseLr = 5e-4, Epochs = 10, WarmupEpochs = 2 }, 256);
        Assert.Equal(2.5e-4, schedule.BaseLr, 15);
        Assert.Equal(1e-5, schedule.MinLr);
        Assert.Equal(1e-6, schedule.LearningRate(0));
    }
}
