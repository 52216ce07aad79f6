using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Layers;

/// <summary>Image to patch tokens: a strided convolution (kernel = stride = patch), flattened to [B, patches, dim].</summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    readonly Conv2d proj;

    public PatchEmbed(int imageSize, int patchSize, int inChannels, int embedDim) : base(nameof(PatchEmbed))
    {
        if (patchSize <= 0 || imageSize % patchSize != 0)
            throw new ArgumentException($"image size {imageSize} is not a multiple of the patch size {patchSize}; pick an image size divisible by the patch", nameof(imageSize));
        GridSize = imageSize / patchSize;
        PatchSize = patchSize;
        InChannels = inChannels;
        EmbedDim = embedDim;
        proj = nn.Conv2d(inChannels, embedDim, patchSize, stride: patchSize);
        RegisterComponents();
    }

    public int GridSize { get; }
    public int NumPatches => GridSize * GridSize;
    public int PatchSize { get; }
    public int InChannels { get; }
    public int EmbedDim { get; }

    /// <summary>2 per multiply-add of the projection, per image.</summary>
    public long FlopsPerImage => 2L * PatchSize * PatchSize * InChannels * EmbedDim * NumPatches;

    public override Tensor forward(Tensor images) => Autocast.Conv2d(proj, images, PatchSize).flatten(2).transpose(1, 2);
}
