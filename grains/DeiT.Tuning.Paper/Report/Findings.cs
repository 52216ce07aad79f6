using System.Globalization;
using System.Text;
using DeiT.Tuning.Paper.Plan;

namespace DeiT.Tuning.Paper.Report;

/// <summary>The findings paragraph: every sentence is computed from the rows, and says so when the numbers are missing.</summary>
internal static class Findings
{
    public static string Write(PaperReportData data)
    {
        var text = new StringBuilder();
        Ablation(data, text);
        Distillation(data, text);
        Teacher(data, text);
        Heads(data, text);
        Disagreement(data, text);
        Search(data, text);
        var failed = data.Rows.SelectMany(r => r.Missing).Distinct().Count();
        if (failed > 0) text.Append(Invariant($"{failed} planned runs have no result (see the tables' notes), so the rows that need them rest on fewer seeds. "));
        return text.ToString().TrimEnd();
    }

    private static void Ablation(PaperReportData data, StringBuilder text)
    {
        var removed = data.Table(PaperTable.Ablation).Where(r => r.Row.Baseline is not null && r.Delta is not null).ToList();
        if (removed.Count == 0) { text.Append("The ablation has no pair of full-recipe and ablated results yet. "); return; }
        var worst = removed.MinBy(r => r.Delta!.Value)!;
        var best = removed.MaxBy(r => r.Delta!.Value)!;
        text.Append(Invariant($"Against the full recipe ({Points(data.Row(PaperTable.Ablation, PaperPlanner.Full))}), the largest loss came from {Label(worst)} ({Signed(worst.Delta)} points{Spread(worst.DeltaStd)}) and the best change from {Label(best)} ({Signed(best.Delta)}{Spread(best.DeltaStd)}). "));
        var directional = removed.Where(r => r.Row.Paper.Direction is EffectDirection.Lower or EffectDirection.Higher).ToList();
        var agreeing = directional.Count(r => Math.Sign(r.Delta!.Value) == (r.Row.Paper.Direction == EffectDirection.Lower ? -1 : 1));
        var clear = directional.Count(r => r.DeltaStd is { } s && Math.Abs(r.Delta!.Value) > s);
        text.Append(Invariant($"{agreeing} of the {directional.Count} rows for which the paper gives a direction moved the same way here, {clear} of them by more than the spread over seeds. "));
    }

    private static void Distillation(PaperReportData data, StringBuilder text)
    {
        var rows = new[] { "hard", "soft", "none" }.Select(c => data.Row(PaperTable.Distillation, c)).ToList();
        if (rows.Any(r => r.Mean is null)) { text.Append("The distillation comparison is incomplete. "); return; }
        var order = rows.OrderByDescending(r => r.Mean).Select(r => r.Row.Config).ToList();
        var held = order.SequenceEqual(["hard", "soft", "none"]);
        text.Append(Invariant($"Distillation from the ConvNet ranked {string.Join(" > ", order)} ({string.Join(", ", rows.Select(r => $"{r.Row.Config} {Points(r)}"))}), so the paper's hard > soft > none {(held ? "held" : "did not hold")} here"));
        var hard = rows[0];
        text.Append(hard.Delta is { } d && hard.DeltaStd is { } s
            ? Invariant($"; hard beat none by {Signed(d)} ± {s:F2} points over paired seeds. ")
            : ". ");
    }

    private static void Teacher(PaperReportData data, StringBuilder text)
    {
        var conv = data.Row(PaperTable.Teacher, "convnet teacher");
        var deit = data.Row(PaperTable.Teacher, "deit teacher");
        if (conv.Mean is null || deit.Mean is null) { text.Append("The teacher comparison is incomplete. "); return; }
        var convAlone = data.Row(PaperTable.Teacher, "convnet teacher alone");
        var deitAlone = data.Row(PaperTable.Teacher, "deit teacher alone");
        text.Append(Invariant($"Hard distillation from the ConvNet teacher gave {Points(conv)} against {Points(deit)} from the DeiT teacher ({(conv.Mean > deit.Mean ? "ConvNet teacher better, as in the paper" : "DeiT teacher better, unlike the paper")}); the teachers themselves scored {Points(convAlone)} and {Points(deitAlone)}. "));
    }

    private static void Heads(PaperReportData data, StringBuilder text)
    {
        var heads = data.Table(PaperTable.Heads).Where(r => r.Mean is not null).ToList();
        if (heads.Count < 3) { text.Append("The heads comparison is incomplete. "); return; }
        var best = heads.MaxBy(r => r.Mean!.Value)!;
        text.Append(Invariant($"Of the distilled model's heads, {best.Row.Config} scored best ({string.Join(", ", heads.Select(h => $"{h.Row.Config} {Points(h)}"))}). "));
    }

    private static void Disagreement(PaperReportData data, StringBuilder text)
    {
        var undistilled = data.Row(PaperTable.Disagreement, PaperPlanner.TeacherVsUndistilled);
        var distilled = data.Row(PaperTable.Disagreement, PaperPlanner.TeacherVsDistilled);
        if (undistilled.Mean is null || distilled.Mean is null) { text.Append("The disagreement analysis is incomplete. "); return; }
        text.Append(Invariant($"The ConvNet teacher disagreed with the distilled student on {Points(distilled)}% of test images and with the student trained without distillation on {Points(undistilled)}%, so the distilled student {(distilled.Mean < undistilled.Mean ? "is closer to the ConvNet, as the paper argues" : "is not closer to the ConvNet here")}. "));
    }

    private static void Search(PaperReportData data, StringBuilder text)
    {
        var best = data.Row(PaperTable.Search, "best found");
        var standard = data.Row(PaperTable.Search, "default");
        if (best.Mean is null || standard.Mean is null) { text.Append("The search has no result yet. "); return; }
        text.Append(Invariant($"The search's best trial reached {best.Mean:F2}% at the same epoch budget, {Signed(best.Delta)} points against the paper's defaults on the same seed. "));
    }

    private static string Label(ReportRow row) => row.Row.Removed is { } removed ? $"removing {removed}" : row.Row.Config;

    internal static string Points(ReportRow row) => row.Mean is not { } mean ? "n/a"
        : Invariant($"{mean:F2}{(row.Std is { } s ? $" ± {s:F2}" : "")}");

    internal static string Signed(double? value) => value is not { } v ? "n/a" : Invariant($"{(v >= 0 ? "+" : "−")}{Math.Abs(v):F2}");

    private static string Spread(double? std) => std is { } s ? Invariant($" ± {s:F2}") : "";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
