using System.Text.Json;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Support;

/// <summary>The PyTorch reference's DeiT fixture in ../shared/fixtures/deit-parity/.</summary>
public sealed class ParityFixture
{
    public ParityFixture()
    {
        Directory = Path.Combine(RepositoryRoot(), "..", "shared", "fixtures", "deit-parity");
        Json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "expected.json"))).RootElement;
        Inputs = Safetensors.LoadStateDict(Path.Combine(Directory, "inputs.safetensors"));
        Expected = Safetensors.LoadStateDict(Path.Combine(Directory, "expected.safetensors"));
        var config = Json.GetProperty("config");
        NumClasses = config.GetProperty("num_classes").GetInt32();
        Lambda = config.GetProperty("lam").GetDouble();
        Smoothing = config.GetProperty("smoothing").GetDouble();
        Tau = config.GetProperty("tau").GetDouble();
        Alpha = config.GetProperty("alpha").GetDouble();
        ModelConfig = new VisionTransformerConfig(
            ImageSize: config.GetProperty("img_size").GetInt32(),
            PatchSize: config.GetProperty("patch").GetInt32(),
            EmbedDim: config.GetProperty("dim").GetInt32(),
            Depth: config.GetProperty("depth").GetInt32(),
            NumHeads: config.GetProperty("heads").GetInt32(),
            MlpRatio: config.GetProperty("mlp_ratio").GetDouble(),
            Distilled: true);
        Assert.Equal(DeiT.Tuning.Training.Layers.Block.LayerNormEps, config.GetProperty("layer_norm_eps").GetDouble());
    }

    public string Directory { get; }
    public JsonElement Json { get; }
    public Dictionary<string, Tensor> Inputs { get; }
    public Dictionary<string, Tensor> Expected { get; }
    public int NumClasses { get; }
    public double Lambda { get; }
    public double Smoothing { get; }
    public double Tau { get; }
    public double Alpha { get; }
    public VisionTransformerConfig ModelConfig { get; }
    public string WeightsPath => Path.Combine(Directory, "weights.safetensors");

    public Tensor X => Inputs["x"];
    public Tensor Labels => Inputs["labels"];
    public Tensor TeacherLogits => Inputs["teacher_logits"];

    /// <summary>The reference model with the fixture's weights loaded through ModelIo.</summary>
    public DistilledVisionTransformer CreateModel()
    {
        var model = new DistilledVisionTransformer("parity", ModelConfig, new ModelOptions
        {
            NumClasses = NumClasses,
            InChannels = (int)X.shape[1],
        });
        ModelIo.Load(model, WeightsPath);
        return model;
    }

    /// <summary>timm's smoothed one-hot: off = s/K, on = 1 − s + off.</summary>
    public Tensor SmoothedOneHot(Tensor labels)
    {
        var off = Smoothing / NumClasses;
        return nn.functional.one_hot(labels, NumClasses).to(float32) * (1 - Smoothing) + off;
    }

    /// <summary>timm's batch-mode mixup target: λ·y + (1−λ)·flip(y) of the smoothed one-hots.</summary>
    public Tensor MixedTarget() =>
        SmoothedOneHot(Labels) * Lambda + SmoothedOneHot(Labels.flip(0)) * (1 - Lambda);

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeiT.Tuning.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no DeiT.Tuning.sln above {AppContext.BaseDirectory}");
    }
}
