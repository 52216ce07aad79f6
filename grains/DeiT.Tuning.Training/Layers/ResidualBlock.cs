using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Layers;

/// <summary>ResNet basic block (torchvision/timm names: conv1, bn1, conv2, bn2, downsample.0/1):
/// two 3×3 convolutions with batch norm, plus a 1×1 projection shortcut when the shape changes.</summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly Conv2d conv2;
    readonly BatchNorm2d bn2;
    readonly Sequential? downsample;

    public ResidualBlock(int inChannels, int outChannels, int stride) : base(nameof(ResidualBlock))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Stride = stride;
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
            downsample = nn.Sequential(
                nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false),
                nn.BatchNorm2d(outChannels));
        RegisterComponents();
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int Stride { get; }

    public override Tensor forward(Tensor x)
    {
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)));
        y = bn2.forward(conv2.forward(y));
        var shortcut = downsample is null ? x : downsample.forward(x);
        return nn.functional.relu(y.add_(shortcut));
    }

    /// <summary>Forward FLOPs for one image whose input is <paramref name="inputSize"/> pixels square.</summary>
    public long FlopsPerImage(int inputSize)
    {
        long outSize = OutputSize(inputSize);
        long pixels = outSize * outSize;
        var flops = 2L * 9 * InChannels * OutChannels * pixels + 2L * 9 * OutChannels * OutChannels * pixels;
        if (downsample is not null) flops += 2L * InChannels * OutChannels * pixels;
        return flops;
    }

    public int OutputSize(int inputSize) => (inputSize + 2 - 3) / Stride + 1;
}
