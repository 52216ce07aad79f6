using DeiT.Tuning.Training.Benchmarks;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Models;
using TorchSharp;

namespace DeiT.Tuning.Training.Tests.Benchmarks;

public sealed class TrainStepBenchmarkTests
{
    [Fact]
    public void Result_is_consistent_with_the_models_flops_and_the_measured_rates()
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
    public void Profile_counts_each_phases_tensors_and_times_every_block_op_in_the_runs_precision()
    {
        var options = new TrainStepBenchmarkOptions
        {
            Model = "deit_micro_distilled_patch4_28", Batch = 2, Steps = 2, Warmup = 1, Threads = 1, MatmulSize = 64, InChannels = 1,
            Precision = DeiT.Tuning.Training.Engine.Precision.Bf16, Profile = true,
        };
        var p = TrainStepBenchmark.Run(options).Profile!;
        Assert.True(p.TensorsForward > 50, $"{p.TensorsForward} tensors in a 6-block forward");
        Assert.True(p.TensorsOptimizer is > 0 and < 10, $"FlatAdamW is a few flat ops, not one per parameter: {p.TensorsOptimizer}");
        Assert.Equal(p.TensorsPerStep * p.NativeCallMicroseconds / 1e3, p.HostOverheadMsEstimate, 9);
        Assert.True(p.NativeCallMicroseconds > 0 && p.DisposeScopeMsMedian >= 0);
        Assert.Equal(["layernorm", "qkv linear", "attention (q·kᵀ, fp32 softmax, ·v)", "proj linear", "fc1 linear", "gelu", "fc2 linear",
            "residual add through drop path"], p.BlockOps.Select(o => o.Op));
        Assert.Equal([12, 6, 6, 6, 6, 6, 6, 12], p.BlockOps.Select(o => o.PerStep));
        // LayerNorm and the linears fed by it see the fp32 residual stream; the rest runs on bf16 activations.
        Assert.Equal(["Float32", "Float32", "BFloat16", "BFloat16", "Float32", "BFloat16", "BFloat16", "BFloat16"], p.BlockOps.Select(o => o.InputType));
        Assert.All(p.BlockOps, o => Assert.True(o.ForwardMs > 0, o.Op));
        Assert.Equal(p.BlockOps.Sum(o => o.PerStep * (o.ForwardMs + o.BackwardMs)), p.BlockOpsMs, 9);
        Assert.Equal(["fc1 linear, TorchSharp's Linear (bias added apart)", "fc2 linear, TorchSharp's Linear (bias added apart)"],
            p.Alternatives.Select(o => o.Op));
    }

    [Fact]
    public void Wait_policy_cannot_change_once_libtorch_is_loaded()
    {
        using var loaded = torch.ones(1);
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CpuThreading.WaitPolicyVariable))) return;
        Assert.Equal("default", CpuThreading.SetOpenMpWaitPolicy(OpenMpWaitPolicy.Passive));
        Assert.Null(Environment.GetEnvironmentVariable(CpuThreading.WaitPolicyVariable));
    }

    [Fact]
    public void Unknown_model_is_rejected_before_any_work() =>
        Assert.Throws<ArgumentException>(() => TrainStepBenchmark.Run(new TrainStepBenchmarkOptions { Model = "nope" }));
}
