using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Models;

/// <summary>DeiT / ViT classifier laid out like timm's VisionTransformer (class token, learned absolute position
/// embedding over the prefix tokens and patches, pre-norm blocks, final LayerNorm, linear head on the class token).
/// Parameter names follow timm so a converted timm checkpoint loads as is.</summary>
public class VisionTransformer : nn.Module<Tensor, Tensor>, IImageClassifier
{
    readonly Parameter cls_token;
    readonly Parameter pos_embed;
    readonly PatchEmbed patch_embed;
    readonly ModuleList<Block> blocks;
    readonly LayerNorm norm;
    readonly Linear head;

    public VisionTransformer(string presetName, VisionTransformerConfig config, ModelOptions options)
        : this(presetName, config, options, prefixTokens: 1)
    {
        InitializeLinearsAndNorms();
    }

    protected VisionTransformer(string presetName, VisionTransformerConfig config, ModelOptions options, int prefixTokens)
        : base(presetName)
    {
        options.Validate();
        PresetName = presetName;
        Config = config;
        Options = options;
        NumPrefixTokens = prefixTokens;
        var dim = config.EmbedDim;

        patch_embed = new PatchEmbed(ImageSize, config.PatchSize, options.InChannels, dim);
        cls_token = new Parameter(zeros(1, 1, dim));
        pos_embed = new Parameter(zeros(1, patch_embed.NumPatches + prefixTokens, dim));
        var rates = DropPathRates.Linear(options.DropPath, config.Depth);
        blocks = nn.ModuleList(rates.Select(rate => new Block(dim, config.NumHeads, config.MlpRatio, rate)).ToArray());
        norm = nn.LayerNorm(dim, Block.LayerNormEps);
        head = nn.Linear(dim, options.NumClasses);

        // timm's registration order: own parameters first, then submodules.
        register_parameter(nameof(cls_token), cls_token);
        register_parameter(nameof(pos_embed), pos_embed);
        register_module(nameof(patch_embed), patch_embed);
        register_module(nameof(blocks), blocks);
        register_module(nameof(norm), norm);
        register_module(nameof(head), head);
    }

    public string PresetName { get; }
    public VisionTransformerConfig Config { get; }
    public ModelOptions Options { get; }
    public int NumPrefixTokens { get; }
    public int ImageSize => Options.ImageSize ?? Config.ImageSize;
    public int GridSize => patch_embed.GridSize;
    public int NumTokens => patch_embed.NumPatches + NumPrefixTokens;
    public IReadOnlyList<double> BlockDropPathRates => blocks.Select(b => b.DropPathRate).ToList();
    public virtual bool HasDistillationHead => false;
    public nn.Module Module => this;
    protected int NumHeadOutputs => HasDistillationHead ? 2 : 1;

    public long ForwardFlopsPerImage =>
        patch_embed.FlopsPerImage
        + Config.Depth * Block.FlopsPerImage(NumTokens, Config.EmbedDim, Config.MlpRatio)
        + NumHeadOutputs * 2L * Config.EmbedDim * Options.NumClasses;

    public override Tensor forward(Tensor images) => ForwardEval(images);

    public virtual (Tensor Cls, Tensor? Dist) ForwardTrain(Tensor images) => (ClassHead(Features(images)), null);

    public virtual Tensor ForwardEval(Tensor images) => ClassHead(Features(images));

    protected Tensor ClassHead(Tensor features) => Autocast.Linear(head, features.select(1, 0));

    /// <summary>Normalized tokens [B, prefix + patches, dim].</summary>
    protected Tensor Features(Tensor images)
    {
        var patches = patch_embed.forward(images);
        var x = cat(PrefixTokens(patches.shape[0]).Append(patches).ToArray(), 1).add_(pos_embed);
        foreach (var block in blocks)
        {
            // A block's temporaries go back to the allocator when it ends, as Python's reference counting frees
            // them; what backward needs the autograd graph holds on its own.
            using var scope = NewDisposeScope();
            x = scope.MoveToOuter(block.forward(x));
        }
        return norm.forward(x);
    }

    protected virtual IEnumerable<Tensor> PrefixTokens(long batch)
    {
        yield return cls_token.expand(batch, -1, -1);
    }

    /// <summary>DeiT's initialization: truncated normal (std 0.02) for tokens, position embedding and every Linear
    /// (zero bias); LayerNorm weight 1, bias 0. The patch convolution keeps PyTorch's default.</summary>
    protected void InitializeLinearsAndNorms()
    {
        using var _ = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (name.StartsWith("patch_embed.", StringComparison.Ordinal)) continue;
            if (name.EndsWith(".bias", StringComparison.Ordinal)) nn.init.zeros_(p);
            else if (p.dim() == 1) nn.init.ones_(p);          // LayerNorm weights
            else TruncatedNormal.Fill(p, std: 0.02);          // tokens, pos_embed, Linear weights
        }
    }
}
