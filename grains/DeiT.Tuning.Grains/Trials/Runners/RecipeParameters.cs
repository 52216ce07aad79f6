using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>Maps a trial's sampled parameters onto the DeiT recipe (names as in the DeiT search space).</summary>
public static class RecipeParameters
{
    private static readonly Dictionary<string, Func<DeitRecipe, ParamSetting, DeitRecipe>> Setters = new()
    {
        ["lr"] = (r, p) => r with { BaseLr = p.Number },
        ["warmup_epochs"] = (r, p) => r with { WarmupEpochs = Whole(p) },
        ["randaug_magnitude"] = (r, p) => r with { RandAugMagnitude = Whole(p) },
        ["randaug_ops"] = (r, p) => r with { RandAugOps = Whole(p) },
        ["mixup_alpha"] = (r, p) => r with { MixupAlpha = p.Number },
        ["cutmix_alpha"] = (r, p) => r with { CutmixAlpha = p.Number },
        ["mixup_switch_prob"] = (r, p) => r with { MixupSwitchProb = p.Number },
        ["erasing_prob"] = (r, p) => r with { ErasingProb = p.Number },
        ["drop_path"] = (r, p) => r with { DropPath = p.Number },
        ["weight_decay"] = (r, p) => r with { WeightDecay = p.Number },
        ["label_smoothing"] = (r, p) => r with { LabelSmoothing = p.Number },
        ["distillation"] = (r, p) => r with { Distillation = Distillation(p) },
        ["distillation_alpha"] = (r, p) => r with { DistillationAlpha = p.Number },
        ["distillation_tau"] = (r, p) => r with { DistillationTau = p.Number },
        ["batch_size"] = (r, p) => r with { BatchSize = Whole(p) },
        ["repeated_augmentation"] = (r, p) => r with { RepeatedAugmentation = Whole(p) },
        ["ema_decay"] = (r, p) => r with { EmaDecay = p.Number > 0 ? p.Number : null },
        ["optimizer"] = (r, p) => r with { Optimizer = Optimizer(p) },
        ["augmentation"] = (r, p) => r with { Augmentation = Augmentation(p) },
    };

    public static IReadOnlyCollection<string> Names => Setters.Keys;

    /// <summary>The recipe a trial starts from before its parameters apply: the DeiT defaults, with the warmup ended
    /// before the trial's last epoch (the paper's 5 warmup epochs are for 300-epoch runs).</summary>
    public static DeitRecipe Base(int epochs, int batchSize, int repeatedAugmentation) => new()
    {
        Epochs = epochs,
        BatchSize = batchSize,
        RepeatedAugmentation = repeatedAugmentation,
        WarmupEpochs = Math.Clamp(new DeitRecipe().WarmupEpochs, 0, epochs - 1),
    };

    /// <summary>The recipe with every parameter applied; an unknown name is an error listing the known ones.</summary>
    public static DeitRecipe Apply(DeitRecipe recipe, IReadOnlyDictionary<string, ParamSetting> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            if (!Setters.TryGetValue(name, out var set))
                throw new ArgumentException($"parameter '{name}' is not part of the DeiT recipe; the deit runner knows {string.Join(", ", Setters.Keys)}");
            recipe = set(recipe, value);
        }
        return recipe;
    }

    private static int Whole(ParamSetting p) => (int)Math.Round(p.Number);

    private static OptimizerKind Optimizer(ParamSetting p) => p.Choice?.ToLowerInvariant() switch
    {
        "adamw" => OptimizerKind.AdamW,
        "sgd" => OptimizerKind.Sgd,
        _ => throw new ArgumentException($"optimizer '{p}' must be adamw or sgd"),
    };

    private static AugmentationPolicy Augmentation(ParamSetting p) => p.Choice?.ToLowerInvariant() switch
    {
        "randaugment" => AugmentationPolicy.RandAugment,
        "autoaugment" => AugmentationPolicy.AutoAugment,
        _ => throw new ArgumentException($"augmentation '{p}' must be randaugment or autoaugment"),
    };

    private static DistillationType Distillation(ParamSetting p) => p.Choice?.ToLowerInvariant() switch
    {
        "none" => DistillationType.None,
        "soft" => DistillationType.Soft,
        "hard" => DistillationType.Hard,
        _ => throw new ArgumentException($"distillation '{p}' must be none, soft or hard"),
    };
}
