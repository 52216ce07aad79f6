using DeiT.Tuning.Paper.Plan;

namespace DeiT.Tuning.Paper.Report;

/// <summary>
/// A row with its numbers, in percentage points: the per-seed values, mean ± sample std (null with fewer than two),
/// and the change against the row's baseline, paired by seed (mean ± std of the per-seed differences).
/// <see cref="Missing"/> lists the trials or evaluations with no value, with their state and reason.
/// </summary>
public sealed record ReportRow(
    PaperRow Row,
    IReadOnlyList<double> Values,
    double? Mean,
    double? Std,
    double? Delta,
    double? DeltaStd,
    int Epochs,
    IReadOnlyList<string> Missing)
{
    public int Seeds => Values.Count;
}

/// <summary>A configuration's learning curve: mean validation top-1 (%) per epoch over its completed seeds.</summary>
public sealed record LearningCurve(PaperTable Table, string Config, IReadOnlyList<int> Epochs, IReadOnlyList<double> MeanTop1);

/// <summary>The report: rows, curves and the findings paragraph, all computed from the plan and the records.</summary>
public sealed record PaperReportData(string Study, PaperBudget Budget, IReadOnlyList<ReportRow> Rows, IReadOnlyList<LearningCurve> Curves, string Findings)
{
    public IEnumerable<ReportRow> Table(PaperTable table) => Rows.Where(r => r.Row.Table == table);

    public ReportRow Row(PaperTable table, string config) => Rows.Single(r => r.Row.Table == table && r.Row.Config == config);
}
