namespace DeiT.Tuning.Paper.Plan;

/// <summary>Which way the paper says a row moves top-1 against its baseline.</summary>
public enum EffectDirection { Lower, Higher, Same, NotReported }

/// <summary>What the DeiT paper (Touvron et al., ICML 2021, arXiv 2012.12877) reports for a row: the direction and,
/// where the paper gives one and it was checked, the ImageNet size (top-1 points for accuracy rows, a fraction for
/// disagreement rows). <paramref name="Source"/> names the paper's table.</summary>
public sealed record PaperFigure(EffectDirection Direction, double? Size, string Source, string? Note = null)
{
    public static PaperFigure DirectionOnly(EffectDirection direction, string source, string? note = null) => new(direction, null, source, note);

    public string DirectionSign => Direction switch
    {
        EffectDirection.Lower => "−",
        EffectDirection.Higher => "+",
        EffectDirection.Same => "≈",
        _ => "n/a",
    };
}
