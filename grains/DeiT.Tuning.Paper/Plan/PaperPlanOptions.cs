namespace DeiT.Tuning.Paper.Plan;

/// <summary>What `paper start` was asked for: a budget and, optionally, another dataset, student model or seed count.
/// A student model "X_patchP_S" distills as "X_distilled_patchP_S" (the zoo's naming).</summary>
public sealed record PaperPlanOptions(string Study, PaperBudget Budget)
{
    public string? Dataset { get; init; }
    public string? DataRoot { get; init; }
    public string? StudentModel { get; init; }
    public int? Seeds { get; init; }
    /// <summary>Sizes instead of the budget's (null: the budget's): images per split, epochs of the students and of the
    /// teachers, and the search's trials (its trial 0 included).</summary>
    public int? TrainLimit { get; init; }
    public int? ValidationLimit { get; init; }
    public int? TestLimit { get; init; }
    public int? Epochs { get; init; }
    public int? TeacherEpochs { get; init; }
    public int? SearchTrials { get; init; }

    /// <summary>The budget's sizes with the options' sizes in their place; warmup ends before the last epoch.</summary>
    public BudgetSizes Sizes()
    {
        var sizes = BudgetSizes.For(Budget);
        foreach (var (name, value) in new[] { ("--train-limit", TrainLimit), ("--val-limit", ValidationLimit), ("--test-limit", TestLimit),
                     ("--epochs", Epochs), ("--teacher-epochs", TeacherEpochs) })
            if (value is < 1) throw new ArgumentException($"{name} {value}: must be at least 1");
        if (SearchTrials is < 1) throw new ArgumentException($"--search-trials {SearchTrials}: must be at least 1 (trial 0 is the full recipe)");
        var epochs = Epochs ?? sizes.Epochs;
        return sizes with
        {
            TrainLimit = TrainLimit ?? sizes.TrainLimit,
            ValidationLimit = ValidationLimit ?? sizes.ValidationLimit,
            TestLimit = TestLimit ?? sizes.TestLimit,
            Epochs = epochs,
            TeacherEpochs = TeacherEpochs ?? sizes.TeacherEpochs,
            SearchTrials = SearchTrials ?? sizes.SearchTrials,
            WarmupEpochs = Math.Min(sizes.WarmupEpochs, epochs - 1),
        };
    }

    public static int MinimumSeeds(PaperBudget budget) => budget == PaperBudget.Quick ? 2 : 3;
}
