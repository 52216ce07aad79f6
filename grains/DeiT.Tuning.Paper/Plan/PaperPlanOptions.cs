namespace DeiT.Tuning.Paper.Plan;

/// <summary>What `paper start` was asked for: a budget and, optionally, another dataset, student model or seed count.
/// A student model "X_patchP_S" distills as "X_distilled_patchP_S" (the zoo's naming).</summary>
public sealed record PaperPlanOptions(string Study, PaperBudget Budget)
{
    public string? Dataset { get; init; }
    public string? DataRoot { get; init; }
    public string? StudentModel { get; init; }
    public int? Seeds { get; init; }

    public static int MinimumSeeds(PaperBudget budget) => budget == PaperBudget.Quick ? 2 : 3;
}
