using DeiT.Tuning.Training.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Models;

public sealed class ModelIoTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("deit-modelio-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("deit_micro_distilled_patch4_28")]
    [InlineData("convnet_tiny")]
    public void Save_then_load_reproduces_the_outputs(string name)
    {
        var options = new ModelOptions { NumClasses = 3, InChannels = 1, ImageSize = 28 };
        var source = ModelZoo.Create(name, options);
        var copy = ModelZoo.Create(name, options);
        using var m1 = source.Module;
        using var m2 = copy.Module;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var images = randn(2, 1, 28, 28);
        m1.train();
        source.ForwardEval(images);   // moves BatchNorm running statistics away from their initial values
        m1.eval();
        m2.eval();
        var path = Path.Combine(folder, "model.safetensors");
        ModelIo.Save(source, path);
        Assert.False(source.ForwardEval(images).allclose(copy.ForwardEval(images)));
        ModelIo.Load(copy, path);
        Assert.True(source.ForwardEval(images).allclose(copy.ForwardEval(images), rtol: 0, atol: 0));
    }

    [Fact]
    public void Pretrained_weights_transfer_to_another_resolution_and_class_count_with_fresh_heads()
    {
        var source = ModelZoo.Create("deit_micro_distilled_patch4_28", new ModelOptions { NumClasses = 10, InChannels = 1, ImageSize = 28 });
        var target = ModelZoo.Create("deit_micro_distilled_patch4_28", new ModelOptions { NumClasses = 5, InChannels = 1, ImageSize = 32 });
        using var m1 = source.Module;
        using var m2 = target.Module;
        using var scope = NewDisposeScope();
        var path = Path.Combine(folder, "pretrained.safetensors");
        ModelIo.Save(source, path);
        var freshHead = target.Module.state_dict()["head.weight"].clone();

        var replaced = ModelIo.LoadPretrained(target, path);

        Assert.Equal(["head.bias", "head.weight", "head_dist.bias", "head_dist.weight"], replaced.Order(StringComparer.Ordinal).ToArray());
        var own = target.Module.state_dict();
        var loaded = source.Module.state_dict();
        Assert.True(own["head.weight"].allclose(freshHead, rtol: 0, atol: 0));
        Assert.True(own["blocks.0.attn.qkv.weight"].allclose(loaded["blocks.0.attn.qkv.weight"], rtol: 0, atol: 0));
        Assert.True(own["cls_token"].allclose(loaded["cls_token"], rtol: 0, atol: 0));
        var vit = (VisionTransformer)target;
        using var expected = PositionEmbedding.Resize(loaded["pos_embed"], vit.NumPrefixTokens, vit.GridSize, vit.GridSize);
        Assert.Equal([1L, 2 + 8 * 8, expected.shape[2]], own["pos_embed"].shape);
        Assert.True(own["pos_embed"].allclose(expected, rtol: 0, atol: 0));
    }

    [Fact]
    public void Plain_load_refuses_a_head_of_another_class_count()
    {
        var source = ModelZoo.Create("deit_micro_patch4_28", new ModelOptions { NumClasses = 10, InChannels = 1 });
        var target = ModelZoo.Create("deit_micro_patch4_28", new ModelOptions { NumClasses = 5, InChannels = 1 });
        using var m1 = source.Module;
        using var m2 = target.Module;
        var path = Path.Combine(folder, "ten-classes.safetensors");
        ModelIo.Save(source, path);

        var error = Assert.Throws<InvalidDataException>(() => ModelIo.Load(target, path));

        Assert.Contains("'head.weight'", error.Message);
    }

    [Fact]
    public void Frozen_teacher_is_in_evaluation_mode_without_gradients()
    {
        var options = new ModelOptions { NumClasses = 3, InChannels = 1 };
        var teacher = ModelZoo.Create("convnet_tiny", options);
        using var m = teacher.Module;
        var path = Path.Combine(folder, "teacher.safetensors");
        ModelIo.Save(teacher, path);
        var frozen = ModelIo.LoadFrozen("convnet_tiny", options, path);
        using var f = frozen.Module;
        Assert.False(f.training);
        Assert.All(f.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void File_uses_timm_names()
    {
        var model = ModelZoo.Create("deit_micro_distilled_patch4_28", new ModelOptions { NumClasses = 3 });
        using var module = model.Module;
        var path = Path.Combine(folder, "names.safetensors");
        ModelIo.Save(model, path);
        var keys = Safetensors.LoadStateDict(path).Keys.ToHashSet();
        foreach (var name in new[] { "cls_token", "dist_token", "pos_embed", "patch_embed.proj.weight", "blocks.5.attn.qkv.bias",
                     "blocks.0.attn.proj.weight", "blocks.0.mlp.fc1.weight", "blocks.0.norm2.bias", "norm.weight", "head.weight", "head_dist.bias" })
            Assert.Contains(name, keys);
    }

    [Fact]
    public void A_checkpoint_of_another_model_is_rejected_naming_the_mismatch()
    {
        var plain = ModelZoo.Create("deit_micro_patch4_28", new ModelOptions { NumClasses = 3 });
        var distilled = ModelZoo.Create("deit_micro_distilled_patch4_28", new ModelOptions { NumClasses = 3 });
        var wider = ModelZoo.Create("deit_micro_patch4_28", new ModelOptions { NumClasses = 7 });
        using var m1 = plain.Module;
        using var m2 = distilled.Module;
        using var m3 = wider.Module;
        var path = Path.Combine(folder, "plain.safetensors");
        ModelIo.Save(plain, path);
        Assert.Contains("dist_token", Assert.Throws<InvalidDataException>(() => ModelIo.Load(distilled, path)).Message);
        Assert.Contains("head.weight", Assert.Throws<InvalidDataException>(() => ModelIo.Load(wider, path)).Message);
        var deeper = ModelZoo.Create("deit_tiny_patch4_32", new ModelOptions { NumClasses = 3, ImageSize = 28 });
        using var m4 = deeper.Module;
        Assert.Matches(@"missing \[(blocks\.\d+\.[a-z0-9_.]+, ){6}… \d+ more\]", Assert.Throws<InvalidDataException>(() => ModelIo.Load(deeper, path)).Message); // a few names, then a count
        Assert.Throws<FileNotFoundException>(() => ModelIo.Load(plain, Path.Combine(folder, "missing.safetensors")));
    }
}
