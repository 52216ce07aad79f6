namespace DeiT.Tuning.Paper.Plan;

/// <summary>
/// The paper's figures per row (Touvron et al., "Training data-efficient image transformers & distillation through
/// attention", arXiv 2012.12877v2): DeiT-B at 224², ImageNet top-1 %. Each size is the row's change against its table's
/// baseline row, in the unit the report shows here (top-1 points; disagreement in percentage points of test images).
/// </summary>
public static class PaperReferences
{
    const string Table8 = "Table 8 (ablation, DeiT-B 224)";
    const string Table3 = "Table 3 (distillation, DeiT-B 224)";
    const string Table2 = "Table 2 (teacher, DeiT-B student)";
    const string Table4 = "Table 4 (disagreement)";

    static PaperFigure Change(double size, string source, string? note = null) =>
        new(size > 0.05 ? EffectDirection.Higher : size < -0.05 ? EffectDirection.Lower : EffectDirection.Same, size, source, note);

    // --- ablation (Table 8): the full recipe 81.8 ± 0.2 ---
    public static PaperFigure Full { get; } = PaperFigure.DirectionOnly(EffectDirection.Same, Table8, "baseline");
    public static PaperFigure NoRandAugment { get; } = Change(79.6 - 81.8, Table8);
    public static PaperFigure AutoAugment { get; } = Change(81.2 - 81.8, Table8);
    public static PaperFigure NoMixup { get; } = Change(78.7 - 81.8, Table8);
    public static PaperFigure NoCutMix { get; } = Change(80.0 - 81.8, Table8);
    public static PaperFigure NoErasing { get; } = Change(4.3 - 81.8, Table8, "did not train well in the paper");
    public static PaperFigure NoStochasticDepth { get; } = Change(3.4 - 81.8, Table8, "did not train well in the paper");
    public static PaperFigure NoRepeatedAugmentation { get; } = Change(76.5 - 81.8, Table8);
    public static PaperFigure Ema { get; } = Change(81.9 - 81.8, Table8, "EMA barely changes the result");
    public static PaperFigure Sgd { get; } = Change(74.5 - 81.8, Table8, "SGD far behind AdamW");
    public static PaperFigure NoLabelSmoothing { get; } = PaperFigure.DirectionOnly(EffectDirection.NotReported, Table8, "not an ablation row of the paper");
    public static PaperFigure NoWarmup { get; } = PaperFigure.DirectionOnly(EffectDirection.NotReported, Table8, "not an ablation row of the paper");

    // --- distillation (Table 3): none 81.8, usual (soft, τ 3, λ 0.1) 81.8, hard 83.0 ---
    public static PaperFigure NoDistillation { get; } = PaperFigure.DirectionOnly(EffectDirection.Same, Table3, "baseline");
    public static PaperFigure SoftDistillation { get; } = Change(81.8 - 81.8, Table3, "soft distillation does not help");
    public static PaperFigure HardDistillation { get; } = Change(83.0 - 81.8, Table3);

    // --- teacher (Table 2): a DeiT-B teacher (81.8) gives 81.9; RegNetY-8GF, of similar accuracy (81.7), gives 82.7 ---
    public static PaperFigure ConvNetTeacher { get; } = Change(82.7 - 81.9, Table2, "a ConvNet teacher beats a transformer teacher");
    public static PaperFigure TransformerTeacher { get; } = PaperFigure.DirectionOnly(EffectDirection.Same, Table2, "baseline");
    public static PaperFigure TeacherAlone { get; } = PaperFigure.DirectionOnly(EffectDirection.NotReported, Table2, "the teacher's own accuracy");

    // --- heads (Table 3, DeiT⚗ rows): class embedding 83.0, distillation embedding 83.1, class+distillation 83.4 ---
    public static PaperFigure ClassHead { get; } = PaperFigure.DirectionOnly(EffectDirection.Same, Table3, "baseline");
    public static PaperFigure DistillationHead { get; } = Change(83.1 - 83.0, Table3);
    public static PaperFigure BothHeads { get; } = Change(83.4 - 83.0, Table3);

    // --- disagreement (Table 4): convnet vs DeiT 0.133, convnet vs DeiT⚗ (class+distil.) 0.102, DeiT vs DeiT⚗ 0.107 ---
    public static PaperFigure TeacherVsUndistilled { get; } = PaperFigure.DirectionOnly(EffectDirection.Same, Table4, "baseline");
    public static PaperFigure TeacherVsDistilled { get; } = Change(10.2 - 13.3, Table4,
        "the distilled student agrees more with the ConvNet than the undistilled one does");
    public static PaperFigure UndistilledVsDistilled { get; } = PaperFigure.DirectionOnly(EffectDirection.NotReported, Table4, "10.7 % in the paper");

    // --- search: not in the paper ---
    public static PaperFigure SearchDefault { get; } = PaperFigure.DirectionOnly(EffectDirection.NotReported, "not in the paper", "baseline");
    public static PaperFigure SearchBest { get; } = PaperFigure.DirectionOnly(EffectDirection.NotReported, "not in the paper");
}
