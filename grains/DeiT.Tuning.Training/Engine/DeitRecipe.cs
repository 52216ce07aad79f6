namespace DeiT.Tuning.Training.Engine;

public enum DistillationType { None, Soft, Hard }

/// <summary>The DeiT training recipe (Touvron et al. 2020); defaults are the paper's DeiT-B/ImageNet values.</summary>
public sealed record DeitRecipe
{
    public int Epochs { get; init; } = 300;
    public int BatchSize { get; init; } = 64;
    /// <summary>Learning rate per 512 images; the optimizer uses BaseLr × global batch / 512.</summary>
    public double BaseLr { get; init; } = 5e-4;
    public double MinLr { get; init; } = 1e-5;
    public double WarmupLr { get; init; } = 1e-6;
    public int WarmupEpochs { get; init; } = 5;
    public double WeightDecay { get; init; } = 0.05;
    public double? ClipGrad { get; init; }
    public double? EmaDecay { get; init; }
    public double LabelSmoothing { get; init; } = 0.1;
    public int RandAugOps { get; init; } = 2;
    public int RandAugMagnitude { get; init; } = 9;
    public double RandAugMagnitudeStd { get; init; } = 0.5;
    public double MixupAlpha { get; init; } = 0.8;
    public double CutmixAlpha { get; init; } = 1.0;
    public double MixupProb { get; init; } = 1.0;
    public double MixupSwitchProb { get; init; } = 0.5;
    public double ErasingProb { get; init; } = 0.25;
    public double DropPath { get; init; } = 0.1;
    public int RepeatedAugmentation { get; init; } = 1;
    public DistillationType Distillation { get; init; } = DistillationType.None;
    public double DistillationAlpha { get; init; } = 0.5;
    public double DistillationTau { get; init; } = 1.0;
    /// <summary>RandAugment (off at RandAugOps 0) or timm's `original` AutoAugment policy in its place.</summary>
    public AugmentationPolicy Augmentation { get; init; } = AugmentationPolicy.RandAugment;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;
    /// <summary>SGD's momentum (torch.optim.SGD, no dampening, not Nesterov); AdamW ignores it.</summary>
    public double Momentum { get; init; } = 0.9;
}
