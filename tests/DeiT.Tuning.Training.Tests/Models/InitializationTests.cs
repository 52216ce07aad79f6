using DeiT.Tuning.Training.Layers;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Models;

public sealed class InitializationTests
{
    [Fact]
    public void Truncated_normal_has_the_truncated_moments_and_bounds()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var x = TruncatedNormal.Fill(empty(200_000, float64), std: 1.0, a: -1, b: 1);
        Assert.True(x.min().item<double>() >= -1 && x.max().item<double>() <= 1);
        Assert.Equal(0, x.mean().item<double>(), 2);
        // Var of N(0,1) truncated to [-1, 1]: 1 − 2φ(1)/(Φ(1) − Φ(−1)) = 0.29112.
        Assert.Equal(0.29112, x.var().item<double>(), 2);
    }

    [Fact]
    public void Vit_linears_and_tokens_get_std002_and_norms_ones_and_zeros()
    {
        var model = ModelZoo.Create("deit_micro_distilled_patch4_28", new ModelOptions { NumClasses = 10 });
        using var module = model.Module;
        var p = module.named_parameters().ToDictionary(np => np.name, np => np.parameter);
        foreach (var name in new[] { "blocks.0.attn.qkv.weight", "blocks.0.mlp.fc1.weight", "pos_embed" })
            Assert.InRange(p[name].std().item<float>(), 0.018f, 0.022f);
        Assert.InRange(p["dist_token"].abs().max().item<float>(), 1e-4f, 0.1f);
        Assert.Equal(1f, p["norm.weight"].min().item<float>());
        Assert.Equal(0f, p["blocks.0.attn.qkv.bias"].abs().max().item<float>());
    }
}
