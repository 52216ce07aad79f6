using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Layers;
using DeiT.Tuning.Training.Models;
using DeiT.Tuning.Training.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Models;

public sealed class DropPathTests(ParityFixture fixture) : IClassFixture<ParityFixture>
{
    [Fact]
    public void Rates_are_the_references_linspace()
    {
        var expected = fixture.Json.GetProperty("drop_path_rates_depth12_rate0.1").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var rates = DropPathRates.Linear(0.1, 12);
        Assert.Equal(expected.Count, rates.Length);
        for (var i = 0; i < rates.Length; i++) TensorAssert.Close(rates[i], expected[i], $"rate {i}", 1e-12);
    }

    [Fact]
    public void Model_blocks_get_the_linear_rates()
    {
        var model = ModelZoo.Create("deit_tiny_patch4_32", new ModelOptions { NumClasses = 10, DropPath = 0.1 });
        using var module = model.Module;
        Assert.Equal(DropPathRates.Linear(0.1, 12), ((VisionTransformer)model).BlockDropPathRates);
    }

    [Fact]
    public void Training_drops_whole_samples_and_scales_the_rest()
    {
        using var dropPath = new DropPath(0.5);
        dropPath.train();
        using var scope = NewDisposeScope();
        manual_seed(7);
        var x = ones(256, 3, 4);
        var y = dropPath.forward(x);
        var perSample = y.reshape(256, -1);
        var kept = perSample.select(1, 0);
        Assert.True(perSample.eq(kept.unsqueeze(1)).all().item<bool>(), "a sample is dropped or kept as a whole");
        Assert.True(kept.eq(0).logical_or(kept.eq(2)).all().item<bool>(), "survivors are scaled by 1/keep");
        var dropped = kept.eq(0).sum().item<long>();
        Assert.InRange(dropped, 90, 166);   // Binomial(256, 0.5): mean 128, sd 8
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Adding_to_the_residual_keeps_or_drops_each_samples_whole_branch_scaled_by_one_over_keep(ScalarType branchType)
    {
        const double rate = 0.3;
        using var dropPath = new DropPath(rate);
        dropPath.train();
        using var scope = NewDisposeScope();
        var residual = arange(64 * 5 * 4, dtype: float32).mul_(0.37).sin_().reshape(64, 5, 4);
        var branch = arange(64 * 5 * 4, dtype: float32).mul_(0.11).cos_().add_(2).reshape(64, 5, 4).to(branchType);
        var fused = dropPath.AddTo(residual, branch);   // tests share the global generator: judge each sample, not a draw

        Assert.Equal(float32, fused.dtype);
        var added = (fused - residual).reshape(64, -1);
        var scaled = (branch.to(float32) / (1 - rate)).reshape(64, -1);
        var dropped = added.abs().max(1).values.eq(0);
        // bf16 rounds 1/keep to 8 bits; fp32 agrees to rounding.
        var tolerance = branchType == ScalarType.Float32 ? 1e-6 : 4e-3;
        var kept = (added - scaled).abs().div(scaled.abs()).max(1).values.le(tolerance);
        Assert.True(dropped.logical_xor(kept).all().item<bool>(), "every sample's branch is either dropped or kept whole, scaled by 1/keep");
        Assert.InRange(dropped.sum().item<long>(), 1, 63);
    }

    [Fact]
    public void Evaluation_is_identity()
    {
        using var dropPath = new DropPath(0.5);
        dropPath.eval();
        using var x = randn(4, 3);
        Assert.Same(x, dropPath.forward(x));
    }
}
