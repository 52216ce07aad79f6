namespace DeiT.Tuning.Training.Augment;

/// <summary>One batch's mixing draw: λ (already box-corrected for CutMix) and the CutMix box [Top, Bottom) × [Left, Right).</summary>
public sealed record MixParameters(double Lambda, bool UseCutmix, int Top = 0, int Bottom = 0, int Left = 0, int Right = 0)
{
    public static MixParameters None { get; } = new(1.0, false);
}
