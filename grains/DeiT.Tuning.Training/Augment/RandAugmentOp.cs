namespace DeiT.Tuning.Training.Augment;

/// <summary>timm's `_RAND_INCREASING_TRANSFORMS` (the `inc1` op set), in timm's order.</summary>
public enum RandAugmentOp
{
    AutoContrast, Equalize, Invert, Rotate, PosterizeIncreasing, SolarizeIncreasing, SolarizeAdd,
    ColorIncreasing, ContrastIncreasing, BrightnessIncreasing, SharpnessIncreasing,
    ShearX, ShearY, TranslateXRel, TranslateYRel,
}
