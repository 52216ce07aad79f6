using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Models;

public sealed class ModelZooTests
{
    [Theory]
    [InlineData("deit_tiny_patch16_224", 5_717_416L)]
    [InlineData("deit_small_patch16_224", 22_050_664L)]
    [InlineData("deit_base_patch16_224", 86_567_656L)]
    [InlineData("deit_tiny_distilled_patch16_224", 5_910_800L)]
    [InlineData("deit_small_distilled_patch16_224", 22_436_432L)]
    [InlineData("deit_base_distilled_patch16_224", 87_338_192L)]
    public void Imagenet_presets_have_timms_parameter_counts(string name, long expected)
    {
        var model = ModelZoo.Create(name, new ModelOptions());
        using var module = model.Module;
        Assert.Equal(expected, module.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Every_preset_builds_and_the_small_ones_classify_their_image_size()
    {
        foreach (var name in ModelZoo.Names.Where(n => !n.EndsWith("_224", StringComparison.Ordinal)))
        {
            var size = name.EndsWith("_28", StringComparison.Ordinal) ? 28 : 32;
            var model = ModelZoo.Create(name, new ModelOptions { NumClasses = 10, InChannels = 1, ImageSize = size });
            using var module = model.Module;
            module.eval();
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var logits = model.ForwardEval(randn(2, 1, size, size));
            Assert.Equal(new long[] { 2, 10 }, logits.shape);
            Assert.Equal(name.Contains("distilled"), model.HasDistillationHead);
            Assert.Equal(name, model.PresetName);
        }
    }

    [Fact]
    public void Unknown_name_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelZoo.Create("deit_huge", new ModelOptions()));
        Assert.Contains("deit_huge", error.Message);
        Assert.Contains("deit_tiny_patch4_32", error.Message);
        Assert.Contains("convnet_small", error.Message);
    }

    [Fact]
    public void Image_size_not_divisible_by_the_patch_is_rejected()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => ModelZoo.Create("deit_tiny_patch4_32", new ModelOptions { ImageSize = 30 }));
        Assert.Contains("patch", error.Message);
    }

    [Fact]
    public void Distilled_training_forward_gives_two_heads_and_evaluation_their_mean()
    {
        var model = ModelZoo.Create("deit_micro_distilled_patch4_28", new ModelOptions { NumClasses = 4, InChannels = 1 });
        using var module = model.Module;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var images = randn(3, 1, 28, 28);
        module.eval();
        var (cls, dist) = model.ForwardTrain(images);
        var mean = model.ForwardEval(images);
        Assert.True(((cls + dist!) / 2).allclose(mean, rtol: 1e-6, atol: 1e-6));
    }
}
