using System.Globalization;
using System.Text;
using DeiT.Tuning.Paper.Plan;

namespace DeiT.Tuning.Paper.Report;

/// <summary>report.md: the tables in the paper's layout ("paper: −; here: −Y ± s"), then the findings.</summary>
public static class ReportMarkdown
{
    private static readonly Dictionary<PaperTable, string> Titles = new()
    {
        [PaperTable.Ablation] = "Ablation of the training recipe (paper Table 8)",
        [PaperTable.Distillation] = "Distillation from the ConvNet teacher (paper Table 3)",
        [PaperTable.Teacher] = "ConvNet vs transformer teacher, hard distillation (paper Table 2)",
        [PaperTable.Heads] = "Heads of the distilled model (paper Table 3, DeiT⚗ rows)",
        [PaperTable.Disagreement] = "Disagreement between classifiers (paper Table 4)",
        [PaperTable.Search] = "BO search vs the paper's defaults (not in the paper)",
    };

    public static string Write(PaperReportData data)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"# DeiT paper study `{data.Study}` (budget {data.Budget.ToString().ToLowerInvariant()})"));
        md.AppendLine();
        md.AppendLine("Top-1 in % on the test split, mean ± sample std over seeds; changes are paired by seed against the table's baseline row. " +
                      "Paper column: the change the paper reports for the row on ImageNet (DeiT-B, 224², arXiv 2012.12877v2), then the change here.");
        foreach (var table in Enum.GetValues<PaperTable>())
        {
            var rows = data.Table(table).ToList();
            md.AppendLine().AppendLine($"## {Titles[table]}").AppendLine();
            var metric = table == PaperTable.Disagreement ? "disagreement (%)" : "top-1 (%)";
            md.AppendLine($"| configuration | removed | distillation | teacher | head | {metric} | seeds | epochs | paper vs here |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var r in rows)
                md.AppendLine(Invariant($"| {r.Row.Config} | {r.Row.Removed ?? "—"} | {r.Row.Distillation} | {r.Row.Teacher ?? "—"} | {r.Row.Head ?? "—"} | {Findings.Points(r)} | {r.Seeds} | {r.Epochs} | {Comparison(r)} |"));
            var missing = rows.SelectMany(r => r.Missing).Distinct().ToList();
            if (missing.Count > 0) md.AppendLine().AppendLine("Without a result: " + string.Join("; ", missing) + ".");
        }
        md.AppendLine().AppendLine("## Findings").AppendLine().AppendLine(data.Findings);
        return md.ToString();
    }

    /// <summary>"paper: −2.2; here: −1.30 ± 0.40", or "baseline" for a table's reference row.</summary>
    public static string Comparison(ReportRow row)
    {
        var paper = row.Row.Paper;
        var paperText = paper.Size is { } size ? Findings.Signed(size) : paper.DirectionSign;
        if (row.Row.Baseline is null) return paper.Note == "baseline" ? "baseline" : $"paper: {paperText}{Note(paper)}";
        var here = row.Delta is { } d ? Findings.Signed(d) + (row.DeltaStd is { } s ? Invariant($" ± {s:F2}") : "") : "n/a";
        return $"paper: {paperText}; here: {here}{Note(paper)}";
    }

    private static string Note(PaperFigure paper) => paper.Note is { } note && note != "baseline" ? $" ({note})" : "";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
