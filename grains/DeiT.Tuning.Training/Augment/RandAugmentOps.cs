namespace DeiT.Tuning.Training.Augment;

/// <summary>timm's level-to-argument functions (_LEVEL_DENOM 10) and the op implementations behind them.</summary>
public static class RandAugmentOps
{
    public const double LevelDenominator = 10.0;
    private const double TranslatePct = 0.45;

    /// <summary>Ops whose argument timm negates with probability ½.</summary>
    public static bool IsSigned(RandAugmentOp op) => op is RandAugmentOp.Rotate or RandAugmentOp.ColorIncreasing
        or RandAugmentOp.ContrastIncreasing or RandAugmentOp.BrightnessIncreasing or RandAugmentOp.SharpnessIncreasing
        or RandAugmentOp.ShearX or RandAugmentOp.ShearY or RandAugmentOp.TranslateXRel or RandAugmentOp.TranslateYRel;

    public static bool IsGeometric(RandAugmentOp op) => op is RandAugmentOp.Rotate or RandAugmentOp.ShearX
        or RandAugmentOp.ShearY or RandAugmentOp.TranslateXRel or RandAugmentOp.TranslateYRel;

    /// <summary>The op's argument at a (possibly fractional) magnitude; <paramref name="negate"/> flips signed ops.</summary>
    public static double Argument(RandAugmentOp op, double magnitude, bool negate)
    {
        double level = magnitude / LevelDenominator;
        double sign = negate ? -1 : 1;
        return op switch
        {
            RandAugmentOp.AutoContrast or RandAugmentOp.Equalize or RandAugmentOp.Invert => 0,
            RandAugmentOp.Rotate => sign * level * 30.0,
            RandAugmentOp.PosterizeIncreasing => 4 - (int)(level * 4),
            RandAugmentOp.SolarizeIncreasing => 256 - (int)(level * 256),
            RandAugmentOp.SolarizeAdd => (int)(level * 110),
            RandAugmentOp.ColorIncreasing or RandAugmentOp.ContrastIncreasing or RandAugmentOp.BrightnessIncreasing
                or RandAugmentOp.SharpnessIncreasing => Math.Max(0.1, 1.0 + sign * level * 0.9),
            RandAugmentOp.ShearX or RandAugmentOp.ShearY => sign * level * 0.3,
            RandAugmentOp.TranslateXRel or RandAugmentOp.TranslateYRel => sign * level * TranslatePct,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        };
    }

    /// <summary>Applies one op with its argument; geometric ops fill uncovered pixels with <paramref name="fill"/>.</summary>
    public static void Apply(RandAugmentOp op, double argument, Span<byte> chw, int c, int h, int w, ReadOnlySpan<byte> fill,
        PilResampling resampling = PilResampling.Bilinear)
    {
        switch (op)
        {
            case RandAugmentOp.AutoContrast: PilPointOps.AutoContrast(chw, c); break;
            case RandAugmentOp.Equalize: PilPointOps.Equalize(chw, c); break;
            case RandAugmentOp.Invert: PilPointOps.Invert(chw); break;
            case RandAugmentOp.PosterizeIncreasing: PilPointOps.Posterize(chw, (int)argument); break;
            case RandAugmentOp.SolarizeIncreasing: PilPointOps.Solarize(chw, (int)argument); break;
            case RandAugmentOp.SolarizeAdd: PilPointOps.SolarizeAdd(chw, (int)argument); break;
            case RandAugmentOp.ColorIncreasing: PilPointOps.Color(chw, c, (float)argument); break;
            case RandAugmentOp.ContrastIncreasing: PilPointOps.Contrast(chw, c, (float)argument); break;
            case RandAugmentOp.BrightnessIncreasing: PilPointOps.Brightness(chw, (float)argument); break;
            case RandAugmentOp.SharpnessIncreasing: PilPointOps.Sharpness(chw, c, h, w, (float)argument); break;
            case RandAugmentOp.Rotate: PilAffine.Transform(chw, c, h, w, PilAffine.Rotation(argument, h, w), fill, resampling); break;
            case RandAugmentOp.ShearX: PilAffine.Transform(chw, c, h, w, PilAffine.ShearX(argument), fill, resampling); break;
            case RandAugmentOp.ShearY: PilAffine.Transform(chw, c, h, w, PilAffine.ShearY(argument), fill, resampling); break;
            case RandAugmentOp.TranslateXRel: PilAffine.Transform(chw, c, h, w, PilAffine.TranslateX(argument * w), fill, resampling); break;
            case RandAugmentOp.TranslateYRel: PilAffine.Transform(chw, c, h, w, PilAffine.TranslateY(argument * h), fill, resampling); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }
}
