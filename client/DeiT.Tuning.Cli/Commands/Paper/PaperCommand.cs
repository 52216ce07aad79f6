using System.CommandLine;
using System.Text.Json;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Commands.Search;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Paper.Plan;
using DeiT.Tuning.Paper.Report;

namespace DeiT.Tuning.Cli.Commands.Paper;

/// <summary>`deit-tune paper plan|start|status|stop|resume|report`: the DeiT paper's study — its plan for a budget, run as
/// a study on the cluster (teachers first, students waiting for them), and its report from the study (or from recorded
/// trial records, `--records`, a JSON <see cref="PaperStudyRecords"/>).</summary>
public static class PaperCommand
{
    public sealed record PlanView(string Study, string Budget, PaperData Data, IReadOnlyList<int> Seeds, IReadOnlyList<PlannedTrial> Teachers,
        IReadOnlyList<PlannedTrial> Students, IReadOnlyList<PlannedEvaluation> Evaluations, PlannedSearch Search, int TrainingRuns);

    public sealed record ReportView(string Study, string Budget, string Out, IReadOnlyList<string> Files, string Findings);

    public static Command Create()
    {
        var paper = new Command("paper", "The DeiT paper's study: ablation, distillation, teacher, heads, disagreement and search tables");
        paper.Subcommands.Add(Plan());
        paper.Subcommands.Add(Start());
        paper.Subcommands.Add(SearchCommand.Status());
        paper.Subcommands.Add(SearchCommand.StopCommand());
        paper.Subcommands.Add(SearchCommand.Resume());
        paper.Subcommands.Add(Report());
        return paper;
    }

    private sealed class PlanOptions
    {
        public readonly Option<string> Study = new("--study") { Description = "Study name", DefaultValueFactory = _ => "paper" };
        public readonly Option<string> Budget = new("--budget") { Description = "quick (this CPU, < 45 min), standard (one GPU), full (the paper's sizes)", DefaultValueFactory = _ => "quick" };
        public readonly Option<string?> Dataset = new("--dataset") { Description = "Dataset kind instead of the budget's" };
        public readonly Option<string?> DataRoot = new("--data-root") { Description = "Dataset folder on the silos (relative to their DataRoot); default for fashion-mnist: its Debian folder" };
        public readonly Option<string?> Model = new("--model") { Description = "Student DeiT preset instead of the budget's (its distilled twin is used for distillation)" };
        public readonly Option<int?> Seeds = new("--seeds") { Description = "Seeds per configuration (at least 2 quick, 3 standard/full)" };
        public readonly Option<int?> TrainLimit = new("--train-limit") { Description = "Training images instead of the budget's" };
        public readonly Option<int?> ValidationLimit = new("--val-limit") { Description = "Validation images instead of the budget's" };
        public readonly Option<int?> TestLimit = new("--test-limit") { Description = "Test images instead of the budget's" };
        public readonly Option<int?> Epochs = new("--epochs") { Description = "Epochs of every student (and the search's trials) instead of the budget's" };
        public readonly Option<int?> TeacherEpochs = new("--teacher-epochs") { Description = "Epochs of the teachers instead of the budget's" };
        public readonly Option<int?> SearchTrials = new("--search-trials") { Description = "Trials of the search (its trial 0 the full recipe) instead of the budget's" };

        public PlanOptions() => Budget.AcceptOnlyFromAmong("quick", "standard", "full");

        public void AddTo(Command command)
        {
            command.Options.Add(Study);
            command.Options.Add(Budget);
            command.Options.Add(Dataset);
            command.Options.Add(DataRoot);
            command.Options.Add(Model);
            command.Options.Add(Seeds);
            foreach (var option in new[] { TrainLimit, ValidationLimit, TestLimit, Epochs, TeacherEpochs, SearchTrials }) command.Options.Add(option);
        }

        public PaperPlanOptions Options(ParseResult result) =>
            new(result.GetValue(Study)!, Enum.Parse<PaperBudget>(result.GetValue(Budget)!, ignoreCase: true))
            {
                Dataset = result.GetValue(Dataset),
                DataRoot = result.GetValue(DataRoot),
                StudentModel = result.GetValue(Model),
                Seeds = result.GetValue(Seeds),
                TrainLimit = result.GetValue(TrainLimit),
                ValidationLimit = result.GetValue(ValidationLimit),
                TestLimit = result.GetValue(TestLimit),
                Epochs = result.GetValue(Epochs),
                TeacherEpochs = result.GetValue(TeacherEpochs),
                SearchTrials = result.GetValue(SearchTrials),
            };

        public PaperPlan Read(ParseResult result) => PlanOf(Options(result));
    }

    private static PaperPlan PlanOf(PaperPlanOptions options)
    {
        try
        {
            return PaperPlanner.Create(options);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message);
        }
    }

    private static Command Start()
    {
        var command = new Command("start", "Run the paper's study on the cluster (or the folder's embedded silo): teachers first, then every " +
            "configuration once per seed, then the search; ends with the report when --report is given");
        var options = new PlanOptions();
        options.AddTo(command);
        var parallel = new Option<int>("--parallel") { Description = "Trials at once (at most the free devices)", DefaultValueFactory = _ => 2 };
        var report = new Option<string?>("--report") { Description = "Write the report into this folder when the study ends" };
        var precision = DeiT.Tuning.Cli.Training.PrecisionOption.Create();
        foreach (var option in new Option[] { parallel, report, precision, SearchCommand.Detach }) command.Options.Add(option);
        command.SetAction(async (result, cancellationToken) =>
        {
            var paperOptions = options.Options(result);
            var plan = PlanOf(paperOptions);
            if (result.GetValue(parallel) < 1) throw new CliException($"--parallel {result.GetValue(parallel)}: must be at least 1");
            StudySpec spec;
            try
            {
                StudyNames.Validate(plan.Study);
                var precisionName = DeiT.Tuning.Cli.Training.PrecisionOption.Read(result, precision) is { } p ? DeiT.Tuning.Training.Engine.PrecisionChoice.Name(p) : null;
                spec = PaperStudySpec.Create(plan, paperOptions, result.GetValue(parallel), precisionName);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message);
            }
            await using var connection = await SearchCommand.OpenForRunning(result, cancellationToken);
            var study = connection.Client.GetGrain<IStudyGrain>(spec.Name);
            try
            {
                await study.Create(spec);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message);
            }
            Console.Error.WriteLine($"paper study {plan.Study} ({plan.Budget.ToString().ToLowerInvariant()}): {plan.Teachers.Count} teachers, {plan.Students.Count} students, " +
                $"{plan.Search.Trials - 1} search trials on {plan.Data}");
            var code = await SearchCommand.RunAndFollow(result, connection, study, cancellationToken);
            if (code != 0 || result.GetValue(SearchCommand.Detach) || result.GetValue(report) is not { } folder) return code;
            var snapshot = await study.GetSnapshot() ?? throw new CliException($"study {spec.Name} disappeared");
            // With --json the study's document is stdout's one document: the report's summary goes to stderr.
            WriteReport(plan, await PaperStudyRecordsReader.Read(snapshot, plan, StudyAccess.TrialFiles(connection, null), StudyAccess.CheckpointRoot(null)), folder, json: false,
                result.GetValue(GlobalOptions.Json) ? Console.Error : Console.Out);
            return 0;
        });
        return command;
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
        var command = new Command("report", "Write report.md, report.json and figures/*.png from a paper study (or from recorded trial records, --records)");
        var options = new PlanOptions();
        options.AddTo(command);
        var records = new Option<string?>("--records") { Description = "Instead of reading the study: a JSON file of its records ({\"trials\": [...], \"evaluations\": [...]}) with the plan's options" };
        var output = new Option<string>("--out") { Description = "Folder to write the report into", Required = true };
        var checkpointRoot = StudyAccess.CheckpointRootOption("where trials keep their test predictions");
        command.Options.Add(records);
        command.Options.Add(output);
        command.Options.Add(checkpointRoot);
        command.SetAction(async (result, cancellationToken) =>
        {
            var folder = result.GetValue(output)!;
            var json = result.GetValue(GlobalOptions.Json);
            if (result.GetValue(records) is not { } path)
            {
                await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
                var snapshot = await StudyAccess.RequireSnapshot(connection, result.GetValue(options.Study)!);
                PaperPlan studyPlan;
                try
                {
                    studyPlan = PaperPlanner.Create(PaperStudySpec.ReadOptions(snapshot.Spec));
                }
                catch (ArgumentException e)
                {
                    throw new CliException(e.Message);
                }
                var root = result.GetValue(checkpointRoot);
                var read = await PaperStudyRecordsReader.Read(snapshot, studyPlan, StudyAccess.TrialFiles(connection, root), StudyAccess.CheckpointRoot(root));
                WriteReport(studyPlan, read, folder, json, Console.Out);
                return 0;
            }
            var plan = options.Read(result);
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
            WriteReport(plan, recorded, folder, json, Console.Out);
            return 0;
        });
        return command;
    }

    private static void WriteReport(PaperPlan plan, PaperStudyRecords records, string folder, bool json, TextWriter text)
    {
        var data = PaperReport.Build(plan, records);
        var files = PaperReportFiles.Write(data, folder);
        if (json)
        {
            JsonOutput.Write(new ReportView(plan.Study, plan.Budget.ToString().ToLowerInvariant(), folder, files, data.Findings));
            return;
        }
        text.WriteLine($"wrote {string.Join(", ", files)} to {folder}");
        text.WriteLine(data.Findings);
    }
}
