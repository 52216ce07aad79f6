using DeiT.Tuning.Training.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Models;

/// <summary>ResNet-style ConvNet teacher for small images (CIFAR-style 3×3 stem, no max-pool), with
/// torchvision/timm parameter names (conv1, bn1, layerN.M.*, fc). Global average pooling makes it size-agnostic.</summary>
public sealed class ConvNet : nn.Module<Tensor, Tensor>, IImageClassifier
{
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly List<Sequential> layers = new();
    readonly Linear fc;
    readonly int stemChannels;

    public ConvNet(string presetName, ConvNetConfig config, ModelOptions options) : base(presetName)
    {
        options.Validate();
        if (config.Widths.Count == 0 || config.BlocksPerStage <= 0)
            throw new ArgumentException("a ConvNet needs at least one stage and one block per stage", nameof(config));
        PresetName = presetName;
        Config = config;
        Options = options;
        stemChannels = config.Widths[0];

        conv1 = nn.Conv2d(options.InChannels, stemChannels, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(stemChannels);
        register_module(nameof(conv1), conv1);
        register_module(nameof(bn1), bn1);
        var inChannels = stemChannels;
        for (var stage = 0; stage < config.Widths.Count; stage++)
        {
            var width = config.Widths[stage];
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (var i = 0; i < config.BlocksPerStage; i++)
            {
                blocks.Add(new ResidualBlock(inChannels, width, stride: stage > 0 && i == 0 ? 2 : 1));
                inChannels = width;
            }
            var layer = nn.Sequential(blocks.ToArray());
            layers.Add(layer);
            register_module($"layer{stage + 1}", layer);
        }
        fc = nn.Linear(inChannels, options.NumClasses);
        register_module(nameof(fc), fc);
        Initialize();
    }

    public string PresetName { get; }
    public ConvNetConfig Config { get; }
    public ModelOptions Options { get; }
    public int ImageSize => Options.ImageSize ?? Config.ImageSize;
    public bool HasDistillationHead => false;
    public nn.Module Module => this;

    public long ForwardFlopsPerImage
    {
        get
        {
            var size = ImageSize;
            long flops = 2L * 9 * Options.InChannels * stemChannels * size * size;
            foreach (var block in layers.SelectMany(l => l.children()).Cast<ResidualBlock>())
            {
                flops += block.FlopsPerImage(size);
                size = block.OutputSize(size);
            }
            return flops + 2L * Config.Widths[^1] * Options.NumClasses;
        }
    }

    public override Tensor forward(Tensor images)
    {
        var x = nn.functional.relu(bn1.forward(conv1.forward(images)));
        foreach (var layer in layers) x = layer.forward(x);
        return fc.forward(x.mean([2L, 3L]));
    }

    public (Tensor Cls, Tensor? Dist) ForwardTrain(Tensor images) => (forward(images), null);

    public Tensor ForwardEval(Tensor images) => forward(images);

    /// <summary>torchvision's ResNet init: Kaiming-normal (fan-out, ReLU) convolutions, BN weight 1 / bias 0.</summary>
    void Initialize()
    {
        using var _ = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (name.StartsWith("fc.", StringComparison.Ordinal)) continue;   // PyTorch's Linear default
            if (p.dim() == 4) nn.init.kaiming_normal_(p, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            else if (name.EndsWith(".weight", StringComparison.Ordinal)) nn.init.ones_(p);
            else nn.init.zeros_(p);
        }
    }
}
