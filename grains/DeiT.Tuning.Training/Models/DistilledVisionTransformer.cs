using DeiT.Tuning.Training.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Models;

/// <summary>DeiT with a distillation token (timm's VisionTransformerDistilled): a second prefix token after the
/// class token with its own head. Training returns both heads' logits; evaluation returns their mean.</summary>
public sealed class DistilledVisionTransformer : VisionTransformer
{
    readonly Parameter dist_token;
    readonly Linear head_dist;

    public DistilledVisionTransformer(string presetName, VisionTransformerConfig config, ModelOptions options)
        : base(presetName, config, options, prefixTokens: 2)
    {
        dist_token = new Parameter(zeros(1, 1, config.EmbedDim));
        head_dist = nn.Linear(config.EmbedDim, options.NumClasses);
        register_parameter(nameof(dist_token), dist_token);
        register_module(nameof(head_dist), head_dist);
        InitializeLinearsAndNorms();
    }

    public override bool HasDistillationHead => true;

    public override (Tensor Cls, Tensor? Dist) ForwardTrain(Tensor images)
    {
        var x = Features(images);
        return (ClassHead(x), Autocast.Linear(head_dist, x.select(1, 1)));
    }

    public override Tensor ForwardEval(Tensor images)
    {
        var (cls, dist) = ForwardTrain(images);
        return cls.add_(dist!).div_(2);
    }

    protected override IEnumerable<Tensor> PrefixTokens(long batch)
    {
        foreach (var token in base.PrefixTokens(batch)) yield return token;
        yield return dist_token.expand(batch, -1, -1);
    }
}
