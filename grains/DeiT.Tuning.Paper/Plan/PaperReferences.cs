namespace DeiT.Tuning.Paper.Plan;

/// <summary>
/// The paper's figures per row. Directions are stated in the paper's text and tables. Sizes: the ImageNet numbers
/// could not be checked against the paper's PDF in the session that wrote this (no copy of the paper was reachable),
/// so, as the brief requires, only directions are stored. The values recalled for each row are in the comments
/// (DeiT-B, 224², top-1 %) so that whoever can open the paper can confirm them and move them into <c>Size</c>.
/// </summary>
public static class PaperReferences
{
    const string Table8 = "Table 8 (ablation, DeiT-B 224)";
    const string Table5 = "Table 5 (distillation, DeiT-B 224)";
    const string Table2 = "Table 2 (teacher, DeiT-B student)";
    const string Table4 = "Table 4 (disagreement)";

    // --- ablation (Table 8): the full recipe recalled at 81.8 ± 0.2 ---
    public static PaperFigure Full { get; } = PaperFigure.DirectionOnly(EffectDirection.Same, Table8, "baseline");
    public static PaperFigure NoRandAugment { get; } = PaperFigure.DirectionOnly(EffectDirection.Lower, Table8);           // recalled 79.6 (−2.2)
    public static PaperFigure AutoAugment { get; } = PaperFigure.DirectionOnly(EffectDirection.Lower, Table8);             // recalled 81.2 (−0.6)
    public static PaperFigure NoMixup { get; } = PaperFigure.DirectionOnly(EffectDirection.Lower, Table8);                 // recalled 78.7 (−3.1)
    public static PaperFigure NoCutMix { get; } = PaperFigure.DirectionOnly(EffectDirection.Lower, Table8);                // recalled 80.0 (−1.8)
    public static PaperFigure NoErasing { get; } = PaperFigure.DirectionOnly(EffectDirection.Lower, Table8, "training failed to converge in the paper"); // recalled 4.3*
    public static PaperFigure NoStochasticDepth { get; } = PaperFigure.DirectionOnly(EffectDirection.Lower, Table8, "training failed to converge in the paper"); // recalled 3.4*
    public static PaperFigure NoRepeatedAugmentation { get; } = PaperFigure.DirectionOnly(EffectDirection.Lower, Table8);  // recalled 76.5 (−5.3)
    public static PaperFigure Ema { get; } = PaperFigure.DirectionOnly(EffectDirection.Same, Table8, "EMA barely changes the result"); // recalled 81.9 (+0.1)
    public static PaperFigure Sgd { get; } = PaperFigure.DirectionOnly(EffectDirection.Lower, Table8, "SGD far behind AdamW"); // recalled 74.5 (−7.3)
    public static PaperFigure NoLabelSmoothing { get; } = PaperFigure.DirectionOnly(EffectDirection.NotReported, Table8, "not an ablation row of the paper");
    public static PaperFigure NoWarmup { get; } = PaperFigure.DirectionOnly(EffectDirection.NotReported, Table8, "not an ablation row of the paper");

    // --- distillation (Table 5): none recalled 81.8, soft ("usual distillation", τ 3, λ 0.1) 81.8, hard 83.0 ---
    public static PaperFigure NoDistillation { get; } = PaperFigure.DirectionOnly(EffectDirection.Same, Table5, "baseline");
    public static PaperFigure SoftDistillation { get; } = PaperFigure.DirectionOnly(EffectDirection.Same, Table5, "soft distillation barely helps"); // recalled 81.8 (0.0)
    public static PaperFigure HardDistillation { get; } = PaperFigure.DirectionOnly(EffectDirection.Higher, Table5);          // recalled 83.0 (+1.2)

    // --- teacher (Table 2): DeiT-B teacher recalled → 81.9; RegNetY-8GF (81.7, similar accuracy) → 82.7 ---
    public static PaperFigure ConvNetTeacher { get; } = PaperFigure.DirectionOnly(EffectDirection.Higher, Table2, "a ConvNet teacher beats a transformer teacher"); // recalled +0.8
    public static PaperFigure TransformerTeacher { get; } = PaperFigure.DirectionOnly(EffectDirection.Same, Table2, "baseline");
    public static PaperFigure TeacherAlone { get; } = PaperFigure.DirectionOnly(EffectDirection.NotReported, Table2, "the teacher's own accuracy");

    // --- heads (Table 5, DeiT⚗ rows): class recalled 83.0, distillation token 83.1, both 83.4 ---
    public static PaperFigure ClassHead { get; } = PaperFigure.DirectionOnly(EffectDirection.Same, Table5, "baseline");
    public static PaperFigure DistillationHead { get; } = PaperFigure.DirectionOnly(EffectDirection.Higher, Table5);           // recalled +0.1
    public static PaperFigure BothHeads { get; } = PaperFigure.DirectionOnly(EffectDirection.Higher, Table5);                  // recalled +0.4

    // --- disagreement (Table 4): fraction of images classified differently ---
    public static PaperFigure TeacherVsUndistilled { get; } = PaperFigure.DirectionOnly(EffectDirection.Same, Table4, "baseline"); // recalled 0.133
    public static PaperFigure TeacherVsDistilled { get; } = PaperFigure.DirectionOnly(EffectDirection.Lower, Table4,
        "the distilled student agrees more with the ConvNet than the undistilled one does");                                    // recalled 0.102
    public static PaperFigure UndistilledVsDistilled { get; } = PaperFigure.DirectionOnly(EffectDirection.NotReported, Table4);   // recalled 0.107

    // --- search: not in the paper ---
    public static PaperFigure SearchDefault { get; } = PaperFigure.DirectionOnly(EffectDirection.NotReported, "not in the paper", "baseline");
    public static PaperFigure SearchBest { get; } = PaperFigure.DirectionOnly(EffectDirection.NotReported, "not in the paper");
}
