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
    public void SaveThenLoadReproducesTheOutputs(string name)
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
    public void FileUsesTimmNames()
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
    public void ACheckpointOfAnotherModelIsRejectedNamingTheMismatch()
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
        Assert.Throws<FileNotFoundException>(() => ModelIo.Load(plain, Path.Combine(folder, "missing.safetensors")));
    }
}
