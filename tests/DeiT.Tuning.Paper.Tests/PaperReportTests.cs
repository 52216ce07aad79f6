using System.Text.Json;
using DeiT.Tuning.Paper.Plan;
using DeiT.Tuning.Paper.Report;

namespace DeiT.Tuning.Paper.Tests;

public class PaperReportTests
{
    private static readonly PaperPlan Plan = PaperPlanner.Create(new PaperPlanOptions("recorded", PaperBudget.Quick));

    [Fact]
    public void Rows_hold_the_mean_and_std_over_seeds_and_the_change_paired_by_seed()
    {
        var report = PaperReport.Build(Plan, RecordedStudy.Completed(Plan));
        var full = report.Row(PaperTable.Ablation, PaperPlanner.Full);
        Assert.Equal([80.0, 81.0], full.Values.Select(v => Math.Round(v, 9)));
        Assert.Equal(80.5, full.Mean!.Value, 9);
        Assert.Equal(Math.Sqrt(0.5), full.Std!.Value, 9);
        var noMixup = report.Row(PaperTable.Ablation, "no-mixup");
        Assert.Equal(-3.0, noMixup.Delta!.Value, 9);
        Assert.Equal(0.0, noMixup.DeltaStd!.Value, 9);
        Assert.Equal(Plan.Sizes.Epochs, noMixup.Epochs);
        Assert.Equal(2, noMixup.Seeds);
        Assert.Empty(noMixup.Missing);
    }

    [Fact]
    public void Heads_rows_read_each_head_and_disagreement_rows_the_evaluations()
    {
        var report = PaperReport.Build(Plan, RecordedStudy.Completed(Plan));
        Assert.Equal(81.5 - 1.0 + 0.5, report.Row(PaperTable.Heads, "class").Mean!.Value, 9);
        Assert.Equal(81.5 - 0.5 + 0.5, report.Row(PaperTable.Heads, "dist").Mean!.Value, 9);
        Assert.Equal(82.0, report.Row(PaperTable.Heads, "both").Mean!.Value, 9);
        Assert.Equal(10.0, report.Row(PaperTable.Disagreement, PaperPlanner.TeacherVsDistilled).Mean!.Value, 9);
        Assert.Equal(-3.0, report.Row(PaperTable.Disagreement, PaperPlanner.TeacherVsDistilled).Delta!.Value, 9);
        Assert.Equal(85.0, report.Row(PaperTable.Teacher, "convnet teacher alone").Mean!.Value, 9);
        Assert.Equal(1, report.Row(PaperTable.Teacher, "convnet teacher alone").Seeds);
        var best = report.Row(PaperTable.Search, "best found");
        Assert.Equal(81.0, best.Mean!.Value, 9);   // search trials reach 80.0 … 81.0; trial 0 (full, seed 0) is 80.0
        Assert.Equal(1.0, best.Delta!.Value, 9);
    }

    [Fact]
    public void Findings_are_computed_from_the_numbers()
    {
        var report = PaperReport.Build(Plan, RecordedStudy.Completed(Plan));
        Assert.Contains("ranked hard > soft > none", report.Findings);
        Assert.Contains("hard > soft > none held here", report.Findings);
        Assert.Contains("largest loss came from removing adamw (sgd instead) (−20.00 points ± 0.00)", report.Findings);
        Assert.Contains("ConvNet teacher better, as in the paper", report.Findings);
        Assert.Contains("is closer to the ConvNet, as the paper argues", report.Findings);

        var reversed = PaperReport.Build(Plan, RecordedStudy.Completed(Plan, t => t.Config switch
        {
            PaperPlanner.Hard => 0.70 + 0.01 * t.Seed,
            PaperPlanner.HardFromTransformer => 0.90,
            _ => RecordedStudy.Top1(t.Config, t.Seed),
        }));
        Assert.Contains("ranked soft > none > hard", reversed.Findings);
        Assert.Contains("did not hold here", reversed.Findings);
        Assert.Contains("DeiT teacher better, unlike the paper", reversed.Findings);
    }

    [Fact]
    public void A_failed_teacher_leaves_its_dependents_rows_empty_with_the_teachers_reason()
    {
        var conv = Plan.Teachers.Single(t => t.Config == PaperPlanner.ConvNetTeacher);
        var reason = PaperPlan.DependentFailure(conv.Key, "training loss became NaN at epoch 2");
        var (students, evaluations) = Plan.DependentsOf(conv.Key);
        var dependents = students.Select(s => s.Key).ToHashSet();
        var completed = RecordedStudy.Completed(Plan);
        var records = new PaperStudyRecords(
            completed.Trials.Select(t => t.Key == conv.Key ? t with { State = PaperTrialState.Failed, Reason = "training loss became NaN at epoch 2", FinalTop1 = null }
                : dependents.Contains(t.Key) ? t with { State = PaperTrialState.Failed, Reason = reason, FinalTop1 = null } : t).ToList(),
            completed.Evaluations.Select(e => evaluations.Any(d => d.Key == e.Key) ? e with { State = PaperTrialState.Failed, Reason = reason, Disagreement = null } : e).ToList());
        var report = PaperReport.Build(Plan, records);

        var hard = report.Row(PaperTable.Distillation, "hard");
        Assert.Null(hard.Mean);
        Assert.Equal(2, hard.Missing.Count);
        Assert.All(hard.Missing, m => Assert.Contains(reason, m));
        Assert.Contains("The distillation comparison is incomplete.", report.Findings);
        Assert.NotNull(report.Row(PaperTable.Ablation, "no-mixup").Mean);
        Assert.Contains($"{hard.Missing[0]}", ReportMarkdown.Write(report));
    }

    [Fact]
    public void Markdown_puts_paper_and_here_side_by_side()
    {
        var markdown = ReportMarkdown.Write(PaperReport.Build(Plan, RecordedStudy.Completed(Plan)));
        Assert.Contains("| no-mixup | mixup | none | — | — | 77.50 ± 0.71 | 2 | 4 | paper: −3.10; here: −3.00 ± 0.00 |", markdown);
        Assert.Contains("| full | — | none | — | — | 80.50 ± 0.71 | 2 | 4 | baseline |", markdown);
        Assert.Contains("## Findings", markdown);
    }

    [Fact]
    public void Report_json_follows_the_issue_schema()
    {
        var json = JsonDocument.Parse(ReportJson.Write(PaperReport.Build(Plan, RecordedStudy.Completed(Plan)))).RootElement;
        Assert.Equal(["study", "budget", "rows"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("recorded", json.GetProperty("study").GetString());
        Assert.Equal("quick", json.GetProperty("budget").GetString());
        string[] schema = ["table", "config", "removed", "distillation", "teacher", "head", "top1_mean", "top1_std", "seeds", "epochs", "paper"];
        foreach (var row in json.GetProperty("rows").EnumerateArray())
        {
            Assert.Equal(schema, row.EnumerateObject().Select(p => p.Name).Take(schema.Length));
            Assert.Contains(row.GetProperty("table").GetString(), new[] { "ablation", "distillation", "teacher", "heads", "disagreement", "search" });
            Assert.Contains(row.GetProperty("distillation").GetString(), new[] { "none", "soft", "hard" });
        }
        var noMixup = json.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("config").GetString() == "no-mixup");
        Assert.Equal("mixup", noMixup.GetProperty("removed").GetString());
        Assert.Equal(77.5, noMixup.GetProperty("top1_mean").GetDouble(), 9);
        Assert.Equal("lower", noMixup.GetProperty("paper").GetProperty("direction").GetString());
        var disagreement = json.GetProperty("rows").EnumerateArray().First(r => r.GetProperty("table").GetString() == "disagreement");
        Assert.Equal(JsonValueKind.Null, disagreement.GetProperty("top1_mean").ValueKind);
        Assert.Equal(13.0, disagreement.GetProperty("disagreement_mean").GetDouble(), 9);
    }

    [Fact]
    public void Files_are_written_with_a_bar_chart_per_table_and_learning_curves()
    {
        var folder = Path.Combine(Path.GetTempPath(), "paper-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = PaperReportFiles.Write(PaperReport.Build(Plan, RecordedStudy.Completed(Plan)), folder);
            Assert.Contains("report.md", files);
            Assert.Contains("report.json", files);
            foreach (var table in Enum.GetValues<PaperTable>())
                Assert.Contains(Path.Combine("figures", $"{table.Name()}.png"), files);
            Assert.Contains(Path.Combine("figures", "ablation-curves.png"), files);
            foreach (var png in files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
                Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(Path.Combine(folder, png)).Take(4));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
