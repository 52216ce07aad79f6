using System.CommandLine;
using System.Text.Json;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Paper.Plan;
using DeiT.Tuning.Paper.Report;

namespace DeiT.Tuning.Cli.Commands.Paper;

/// <summary>`deit-tune paper plan|report`: the DeiT paper's study — its plan for a budget, and its report from recorded
/// trial records (`--records`, a JSON <see cref="PaperStudyRecords"/>).</summary>
public static class PaperCommand
{
    public sealed record PlanView(string Study, string Budget, PaperData Data, IReadOnlyList<int> Seeds, IReadOnlyList<PlannedTrial> Teachers,
        IReadOnlyList<PlannedTrial> Students, IReadOnlyList<PlannedEvaluation> Evaluations, PlannedSearch Search, int TrainingRuns);

    public sealed record ReportView(string Study, string Budget, string Out, IReadOnlyList<string> Files, string Findings);

    public static Command Create()
    {
        var paper = new Command("paper", "The DeiT paper's study: ablation, distillation, teacher, heads, disagreement and search tables");
        paper.Subcommands.Add(Plan());
        paper.Subcommands.Add(Report());
        return paper;
    }

    private sealed class PlanOptions
    {
        public readonly Option<string> Study = new("--study") { Description = "Study name", DefaultValueFactory = _ => "paper" };
        public readonly Option<string> Budget = new("--budget") { Description = "quick (this CPU, < 45 min), standard (one GPU), full (the paper's sizes)", DefaultValueFactory = _ => "quick" };
        public readonly Option<string?> Dataset = new("--dataset") { Description = "Dataset kind instead of the budget's" };
        public readonly Option<string?> Model = new("--model") { Description = "Student DeiT preset instead of the budget's (its distilled twin is used for distillation)" };
        public readonly Option<int?> Seeds = new("--seeds") { Description = "Seeds per configuration (at least 2 quick, 3 standard/full)" };

        public PlanOptions() => Budget.AcceptOnlyFromAmong("quick", "standard", "full");

        public void AddTo(Command command)
        {
            command.Options.Add(Study);
            command.Options.Add(Budget);
            command.Options.Add(Dataset);
            command.Options.Add(Model);
            command.Options.Add(Seeds);
        }

        public PaperPlan Read(ParseResult result)
        {
            try
            {
                return PaperPlanner.Create(new PaperPlanOptions(result.GetValue(Study)!, Enum.Parse<PaperBudget>(result.GetValue(Budget)!, ignoreCase: true))
                {
                    Dataset = result.GetValue(Dataset),
                    StudentModel = result.GetValue(Model),
                    Seeds = result.GetValue(Seeds),
                });
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message);
            }
        }
    }

    private static Command Plan()
    {
        var command = new Command("plan", "Print the study's trials (teachers first, with the teacher each student waits for), evaluations and search");
        var options = new PlanOptions();
        options.AddTo(command);
        command.SetAction(result =>
        {
            var plan = options.Read(result);
            if (result.GetValue(GlobalOptions.Json))
            {
                JsonOutput.Write(new PlanView(plan.Study, plan.Budget.ToString().ToLowerInvariant(), plan.Data, plan.Seeds, plan.Teachers, plan.Students,
                    plan.Evaluations, plan.Search, plan.TrainingRuns));
                return 0;
            }
            Console.WriteLine($"study {plan.Study}, budget {plan.Budget.ToString().ToLowerInvariant()}: {plan.Data}, seeds {string.Join(",", plan.Seeds)}, {plan.TrainingRuns} trainings");
            foreach (var t in plan.Trials)
                Console.WriteLine($"  {t.Role.ToString().ToLowerInvariant(),-7} {t.Key,-40} {t.Model,-32} {t.Epochs,3} ep{(t.TeacherKey is null ? "" : $"  waits for {t.TeacherKey}")}  [{string.Join(" ", t.Overrides)}]");
            foreach (var e in plan.Evaluations)
                Console.WriteLine($"  eval    {e.Key,-40} {e.TrialA} ({e.HeadA}) vs {e.TrialB} ({e.HeadB})");
            Console.WriteLine($"  search  {plan.Search.Trials} trials ({plan.Search.Sampler}), trial 0 = {plan.Search.DefaultTrialKey}, tuning {string.Join(", ", plan.Search.Parameters)}");
            return 0;
        });
        return command;
    }

    private static Command Report()
    {
        var command = new Command("report", "Write report.md, report.json and figures/*.png from the study's trial records");
        var options = new PlanOptions();
        options.AddTo(command);
        var records = new Option<string>("--records") { Description = "JSON file of the study's records ({\"trials\": [...], \"evaluations\": [...]})", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write the report into", Required = true };
        command.Options.Add(records);
        command.Options.Add(output);
        command.SetAction(result =>
        {
            var plan = options.Read(result);
            var path = result.GetValue(records)!;
            if (!File.Exists(path)) throw new CliException($"--records '{path}' does not exist; give the JSON the study's records were exported to.");
            PaperStudyRecords recorded;
            try
            {
                recorded = JsonSerializer.Deserialize<PaperStudyRecords>(File.ReadAllText(path), JsonOutput.Options)
                    ?? throw new CliException($"--records '{path}' holds no records.");
            }
            catch (JsonException e)
            {
                throw new CliException($"--records '{path}' is not a records document ({e.Message}); expected {{\"trials\": [{{\"key\", \"state\", \"reason\", \"final_top1\", \"best_top1\", \"epochs\", \"heads\"}}], \"evaluations\": [{{\"key\", \"state\", \"reason\", \"disagreement\"}}]}}.");
            }
            var folder = result.GetValue(output)!;
            var data = PaperReport.Build(plan, recorded);
            var files = PaperReportFiles.Write(data, folder);
            if (result.GetValue(GlobalOptions.Json))
                JsonOutput.Write(new ReportView(plan.Study, plan.Budget.ToString().ToLowerInvariant(), folder, files, data.Findings));
            else
            {
                Console.WriteLine($"wrote {string.Join(", ", files)} to {folder}");
                Console.WriteLine(data.Findings);
            }
            return 0;
        });
        return command;
    }
}
