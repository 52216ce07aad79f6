namespace DeiT.Tuning.Paper.Plan;

/// <summary>
/// The paper study as a small DAG: teachers (no dependencies) → students (some wait for one teacher) → disagreement
/// evaluations (wait for two trials), plus one BO search whose trial 0 is the full-recipe trial of seed 0. Every
/// configuration appears once per seed however many tables it serves (<see cref="PlannedTrial.Serves"/>).
/// </summary>
public sealed record PaperPlan(
    string Study,
    BudgetSizes Sizes,
    PaperData Data,
    IReadOnlyList<int> Seeds,
    IReadOnlyList<PlannedTrial> Teachers,
    IReadOnlyList<PlannedTrial> Students,
    IReadOnlyList<PlannedEvaluation> Evaluations,
    PlannedSearch Search,
    IReadOnlyList<PaperRow> Rows)
{
    public PaperBudget Budget => Sizes.Budget;

    /// <summary>Teachers first, then students: an order in which every trial comes after what it waits for.</summary>
    public IEnumerable<PlannedTrial> Trials => Teachers.Concat(Students);

    /// <summary>Trainings the plan runs: its trials and the search trials beyond trial 0.</summary>
    public int TrainingRuns => Teachers.Count + Students.Count + Search.Trials - 1;

    public PlannedTrial Trial(string key) => Trials.FirstOrDefault(t => t.Key == key)
        ?? throw new KeyNotFoundException($"The plan of study '{Study}' has no trial '{key}'.");

    /// <summary>Students that wait for the teacher, and evaluations that wait for the teacher or for one of them.</summary>
    public (IReadOnlyList<PlannedTrial> Students, IReadOnlyList<PlannedEvaluation> Evaluations) DependentsOf(string teacherKey)
    {
        var students = Students.Where(s => s.TeacherKey == teacherKey).ToList();
        var blocked = students.Select(s => s.Key).Append(teacherKey).ToHashSet();
        return (students, Evaluations.Where(e => blocked.Contains(e.TrialA) || blocked.Contains(e.TrialB)).ToList());
    }

    /// <summary>The reason a dependent fails with when its teacher failed.</summary>
    public static string DependentFailure(string teacherKey, string? teacherReason) =>
        $"teacher {teacherKey} failed: {teacherReason ?? "no reason recorded"}";

    /// <summary>The trials whose results a row reads (one per seed; teachers: one).</summary>
    public IReadOnlyList<PlannedTrial> TrialsOf(string config) => Trials.Where(t => t.Config == config).OrderBy(t => t.Seed).ToList();

    public IReadOnlyList<PlannedEvaluation> EvaluationsOf(string pair) =>
        Evaluations.Where(e => e.Key.StartsWith(pair + "-s", StringComparison.Ordinal)).ToList();
}
