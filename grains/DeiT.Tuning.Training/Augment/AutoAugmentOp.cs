namespace DeiT.Tuning.Training.Augment;

/// <summary>The ops of timm's `original` AutoAugment policy (Cubuk et al. 2018's ImageNet policy), by timm's names.</summary>
public enum AutoAugmentOp
{
    AutoContrast, Equalize, Invert, Rotate, PosterizeOriginal, Solarize, Color, Contrast, Sharpness, ShearX,
}

/// <summary>One step of a sub-policy: the op, the probability it is applied, its magnitude on timm's 0–10 scale.</summary>
public sealed record AutoAugmentStep(AutoAugmentOp Op, double Probability, int Magnitude);
