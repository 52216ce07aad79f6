using static DeiT.Tuning.Training.Augment.AutoAugmentOp;

namespace DeiT.Tuning.Training.Augment;

/// <summary>
/// timm `AutoAugment` with the `original` policy: one of the 25 sub-policies drawn uniformly, each of its two steps
/// applied with the step's probability at its fixed magnitude (no magnitude noise), signed ops negated with
/// probability ½. The ablation row "AutoAugment in place of RandAugment" of DeiT's Table 8.
/// </summary>
public sealed class AutoAugment : IPixelAugmentation
{
    /// <summary>timm's auto_augment_policy_original, in its order.</summary>
    public static IReadOnlyList<IReadOnlyList<AutoAugmentStep>> OriginalPolicy { get; } =
    [
        [new(PosterizeOriginal, 0.4, 8), new(Rotate, 0.6, 9)], [new(Solarize, 0.6, 5), new(AutoContrast, 0.6, 5)],
        [new(Equalize, 0.8, 8), new(Equalize, 0.6, 3)], [new(PosterizeOriginal, 0.6, 7), new(PosterizeOriginal, 0.6, 6)],
        [new(Equalize, 0.4, 7), new(Solarize, 0.2, 4)], [new(Equalize, 0.4, 4), new(Rotate, 0.8, 8)],
        [new(Solarize, 0.6, 3), new(Equalize, 0.6, 7)], [new(PosterizeOriginal, 0.8, 5), new(Equalize, 1.0, 2)],
        [new(Rotate, 0.2, 3), new(Solarize, 0.6, 8)], [new(Equalize, 0.6, 8), new(PosterizeOriginal, 0.4, 6)],
        [new(Rotate, 0.8, 8), new(Color, 0.4, 0)], [new(Rotate, 0.4, 9), new(Equalize, 0.6, 2)],
        [new(Equalize, 0.0, 7), new(Equalize, 0.8, 8)], [new(Invert, 0.6, 4), new(Equalize, 1.0, 8)],
        [new(Color, 0.6, 4), new(Contrast, 1.0, 8)], [new(Rotate, 0.8, 8), new(Color, 1.0, 2)],
        [new(Color, 0.8, 8), new(Solarize, 0.8, 7)], [new(Sharpness, 0.4, 7), new(Invert, 0.6, 8)],
        [new(ShearX, 0.6, 5), new(Equalize, 1.0, 9)], [new(Color, 0.4, 0), new(Equalize, 0.6, 3)],
        [new(Equalize, 0.4, 7), new(Solarize, 0.2, 4)], [new(Solarize, 0.6, 5), new(AutoContrast, 0.6, 5)],
        [new(Invert, 0.6, 4), new(Equalize, 1.0, 8)], [new(Color, 0.6, 4), new(Contrast, 1.0, 8)],
        [new(Equalize, 0.8, 8), new(Equalize, 0.6, 3)],
    ];

    private readonly byte[] _fill;

    public AutoAugment(IReadOnlyList<byte> fill, PilResampling resampling = PilResampling.Bicubic)
    {
        _fill = fill.ToArray();
        Resampling = resampling;
    }

    public PilResampling Resampling { get; }
    public IReadOnlyList<byte> Fill => _fill;
    public string Name => $"AutoAugment(original, {Resampling.ToString().ToLowerInvariant()})";

    public void Apply(Span<byte> chw, int c, int h, int w, Random rng)
    {
        if (_fill.Length != c) throw new ArgumentException($"AutoAugment fill has {_fill.Length} values but the image has {c} channels.");
        foreach (var step in OriginalPolicy[rng.Next(OriginalPolicy.Count)])
        {
            if (step.Probability < 1.0 && rng.NextDouble() > step.Probability) continue;
            bool negate = AutoAugmentOps.IsSigned(step.Op) && rng.NextDouble() > 0.5;
            AutoAugmentOps.Apply(step.Op, AutoAugmentOps.Argument(step.Op, step.Magnitude, negate), chw, c, h, w, _fill, Resampling);
        }
    }
}
