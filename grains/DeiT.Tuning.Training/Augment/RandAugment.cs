namespace DeiT.Tuning.Training.Augment;

/// <summary>
/// timm RandAugment `rand-m{M}-mstd{S}-inc1` with n ops: n ops drawn uniformly with replacement from the increasing
/// set; each applied with probability ½ at magnitude N(M, S) clipped to [0, 10], signed ops negated with probability ½.
/// As in timm (no magnitude_max), magnitudes above 10 act as 10.
/// </summary>
public sealed class RandAugment : IPixelAugmentation
{
    private static readonly RandAugmentOp[] Ops = Enum.GetValues<RandAugmentOp>();
    private readonly byte[] _fill;

    public RandAugment(int numOps, double magnitude, double magnitudeStd, IReadOnlyList<byte> fill, double probability = 0.5,
        PilResampling resampling = PilResampling.Bilinear)
    {
        if (numOps < 0) throw new ArgumentOutOfRangeException(nameof(numOps), $"RandAugment needs a non-negative op count, got {numOps}.");
        if (magnitude < 0) throw new ArgumentOutOfRangeException(nameof(magnitude), $"RandAugment magnitude must be non-negative, got {magnitude}.");
        NumOps = numOps;
        Magnitude = magnitude;
        MagnitudeStd = magnitudeStd;
        Probability = probability;
        Resampling = resampling;
        _fill = fill.ToArray();
    }

    public int NumOps { get; }
    public double Magnitude { get; }
    public double MagnitudeStd { get; }
    public double Probability { get; }
    public PilResampling Resampling { get; }
    public static IReadOnlyList<RandAugmentOp> OpSet => Ops;
    /// <summary>Per-channel fill of the geometric ops (timm: the dataset mean as 8-bit values).</summary>
    public IReadOnlyList<byte> Fill => _fill;

    public string Name => $"RandAugment(n {NumOps}, m {Magnitude}, std {MagnitudeStd}, inc, {Resampling.ToString().ToLowerInvariant()})";

    public void Apply(Span<byte> chw, int c, int h, int w, Random rng)
    {
        if (_fill.Length != c) throw new ArgumentException($"RandAugment fill has {_fill.Length} values but the image has {c} channels.");
        for (int i = 0; i < NumOps; i++)
        {
            var op = Ops[rng.Next(Ops.Length)];
            if (Probability < 1.0 && rng.NextDouble() > Probability) continue;
            double magnitude = Magnitude;
            if (MagnitudeStd > 0)
                magnitude = double.IsPositiveInfinity(MagnitudeStd) ? rng.Uniform(0, magnitude) : rng.Gaussian(magnitude, MagnitudeStd);
            magnitude = Math.Clamp(magnitude, 0.0, RandAugmentOps.LevelDenominator);
            bool negate = RandAugmentOps.IsSigned(op) && rng.NextDouble() > 0.5;
            RandAugmentOps.Apply(op, RandAugmentOps.Argument(op, magnitude, negate), chw, c, h, w, _fill, Resampling);
        }
    }
}
