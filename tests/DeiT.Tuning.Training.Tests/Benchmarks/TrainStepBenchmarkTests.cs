using DeiT.Tuning.Training.Benchmarks;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Models;
using TorchSharp;

namespace DeiT.Tuning.Training.Tests.Benchmarks;

public sealed class TrainStepBenchmarkTests
{
    [Fact]
    public void ResultIsConsistentWithTheModelsFlopsAndTheMeasuredRates()
    {
        var options = new TrainStepBenchmarkOptions
        {
            Model = "deit_micro_distilled_patch4_28", Batch = 4, Steps = 3, Warmup = 1, Threads = 1, MatmulSize = 128, InChannels = 1,
        };
        var r = TrainStepBenchmark.Run(options);
        var flops = ModelZoo.Create(options.Model, new ModelOptions { NumClasses = 10, InChannels = 1 });
        using var module = flops.Module;
        Assert.Equal(3.0 * flops.ForwardFlopsPerImage / 1e9, r.ModelGflopPerImage, 12);
        Assert.Equal(1, r.Threads);
        Assert.Equal(options.Batch / r.StepSecondsMedian, r.ImagesPerS, 9);
        Assert.Equal(options.Batch / r.StepSecondsMin, r.ImagesPerSBest, 9);
        Assert.Equal(r.ModelGflopPerImage * r.ImagesPerS, r.AchievedGflops, 9);
        Assert.True(r.StepSecondsMin <= r.StepSecondsMedian && r.StepSecondsMedian <= r.StepSecondsMax);
        Assert.True(r.MatmulGflops > 0 && r.MatmulGflops <= r.MatmulGflopsBest);
        Assert.True(r.RooflineFractionMin <= r.RooflineFraction && r.RooflineFraction <= r.RooflineFractionMax);
        Assert.True(r.ForwardSecondsMedian > 0 && r.BackwardSecondsMedian > 0);
    }

    [Fact]
    public void WaitPolicyCannotChangeOnceLibtorchIsLoaded()
    {
        using var loaded = torch.ones(1);
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CpuThreading.WaitPolicyVariable))) return;
        Assert.Equal("default", CpuThreading.SetOpenMpWaitPolicy(OpenMpWaitPolicy.Passive));
        Assert.Null(Environment.GetEnvironmentVariable(CpuThreading.WaitPolicyVariable));
    }

    [Fact]
    public void UnknownModelIsRejectedBeforeAnyWork() =>
        Assert.Throws<ArgumentException>(() => TrainStepBenchmark.Run(new TrainStepBenchmarkOptions { Model = "nope" }));
}
