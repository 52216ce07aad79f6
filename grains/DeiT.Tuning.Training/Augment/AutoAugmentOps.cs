namespace DeiT.Tuning.Training.Augment;

/// <summary>timm's level-to-argument functions for the `original` policy's ops (not the increasing variants
/// RandAugment uses: posterize keeps 4–8 bits, solarize's threshold grows with the level, enhance factors span
/// 0.1–1.9 unsigned), on the same PIL-exact implementations.</summary>
public static class AutoAugmentOps
{
    public static bool IsSigned(AutoAugmentOp op) => op is AutoAugmentOp.Rotate or AutoAugmentOp.ShearX;

    public static bool IsGeometric(AutoAugmentOp op) => op is AutoAugmentOp.Rotate or AutoAugmentOp.ShearX;

    public static double Argument(AutoAugmentOp op, double magnitude, bool negate)
    {
        double level = magnitude / RandAugmentOps.LevelDenominator;
        double sign = negate ? -1 : 1;
        return op switch
        {
            AutoAugmentOp.AutoContrast or AutoAugmentOp.Equalize or AutoAugmentOp.Invert => 0,
            AutoAugmentOp.Rotate => sign * level * 30.0,
            AutoAugmentOp.PosterizeOriginal => (int)(level * 4) + 4,
            AutoAugmentOp.Solarize => (int)(level * 256),
            AutoAugmentOp.Color or AutoAugmentOp.Contrast or AutoAugmentOp.Sharpness => level * 1.8 + 0.1,
            AutoAugmentOp.ShearX => sign * level * 0.3,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        };
    }

    public static void Apply(AutoAugmentOp op, double argument, Span<byte> chw, int c, int h, int w, ReadOnlySpan<byte> fill,
        PilResampling resampling)
    {
        switch (op)
        {
            case AutoAugmentOp.AutoContrast: PilPointOps.AutoContrast(chw, c); break;
            case AutoAugmentOp.Equalize: PilPointOps.Equalize(chw, c); break;
            case AutoAugmentOp.Invert: PilPointOps.Invert(chw); break;
            case AutoAugmentOp.PosterizeOriginal: PilPointOps.Posterize(chw, (int)argument); break;
            case AutoAugmentOp.Solarize: PilPointOps.Solarize(chw, (int)argument); break;
            case AutoAugmentOp.Color: PilPointOps.Color(chw, c, (float)argument); break;
            case AutoAugmentOp.Contrast: PilPointOps.Contrast(chw, c, (float)argument); break;
            case AutoAugmentOp.Sharpness: PilPointOps.Sharpness(chw, c, h, w, (float)argument); break;
            case AutoAugmentOp.Rotate: PilAffine.Transform(chw, c, h, w, PilAffine.Rotation(argument, h, w), fill, resampling); break;
            case AutoAugmentOp.ShearX: PilAffine.Transform(chw, c, h, w, PilAffine.ShearX(argument), fill, resampling); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }
}
