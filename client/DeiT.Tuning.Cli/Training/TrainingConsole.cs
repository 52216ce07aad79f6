using System.Diagnostics;
using System.Globalization;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Training.Engine;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Training;

/// <summary>
/// Runs a <see cref="Trainer"/> on its own thread with a progress bar per epoch on stderr, then prints the per-epoch
/// table (or, with --json, one document with every epoch and the outcome).
/// </summary>
public static class TrainingConsole
{
    public sealed record Result(string Command, TrainingJob Job, string Outcome, DivergedInfo? Diverged,
        IReadOnlyList<EpochRow> Epochs, double WallTimeS, string? Out, string? CheckpointDir);

    public sealed record DivergedInfo(int Epoch, int Step, string Reason);

    public static async Task<int> RunAsync(string command, TrainingJob job, TrainingRunOptions run, bool json, CancellationToken cancellationToken)
    {
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        Console.Error.WriteLine($"{command}: {job.Model} on {job.Data.Kind}, {job.Recipe.Epochs} epochs, batch {job.Recipe.BatchSize}, distillation {job.Recipe.Distillation.ToString().ToLowerInvariant()}, device {run.Device}, precision {PrecisionText(run)}, threads {run.Threads?.ToString(CultureInfo.InvariantCulture) ?? "default"}");
        var clock = Stopwatch.StartNew();
        TrainingOutcome outcome;
        if (Console.IsErrorRedirected)
        {
            // Logs (nohup, CI): plain lines, a few per epoch, instead of redrawn bars.
            outcome = await StartTrainer(job, run, report => Console.Error.WriteLine(Summary(report, job.Recipe.Epochs)),
                new StepLines(job.Recipe.Epochs), cancellationToken);
        }
        else
        {
            outcome = await stderr.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var bars = new EpochProgressBars(context, job.Recipe.Epochs);
                    return await StartTrainer(job, run, bars.Complete, bars, cancellationToken);
                });
        }
        var result = new Result(command, job, OutcomeName(outcome),
            outcome is TrainingOutcome.Diverged d ? new DivergedInfo(d.Epoch, d.Step, d.Reason) : null,
            outcome.Epochs.Select(EpochRow.From).ToList(), clock.Elapsed.TotalSeconds,
            outcome is TrainingOutcome.Completed or TrainingOutcome.Stopped ? run.OutputPath : null, run.CheckpointDirectory);

        if (json) JsonOutput.Write(result);
        else PrintTable(result);
        return outcome switch
        {
            TrainingOutcome.Diverged => 3,
            TrainingOutcome.Cancelled => 130,
            _ => 0,
        };
    }

    private static Task<TrainingOutcome> StartTrainer(TrainingJob job, TrainingRunOptions run, Action<EpochReport> onEpoch,
        IProgress<StepProgress>? progress, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() =>
        {
            try
            {
                RunOptions.ResolveDevice(run.Device);
                return new Trainer().Run(job, run, report => { onEpoch(report); return EpochDecision.Continue; }, progress, cancellationToken);
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException or CheckpointMismatchException)
            {
                throw new CliException(e.Message);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static string PrecisionText(TrainingRunOptions run) =>
        run.Precision is { } precision ? PrecisionChoice.Name(precision) : "the device's default (bf16 on capable GPUs, else fp32)";

    private static string OutcomeName(TrainingOutcome outcome) => outcome switch
    {
        TrainingOutcome.Completed => "completed",
        TrainingOutcome.Stopped => "stopped",
        TrainingOutcome.Diverged => "diverged",
        TrainingOutcome.Cancelled => "cancelled",
        _ => throw new UnreachableException(),
    };

    internal static string Summary(EpochReport r, int epochs)
    {
        var test = r.Test is { } t ? $", test top-1 {Percent(t.Top1)}" : "";
        var heads = r.ValidationHeads is { } h
            ? $", heads class {Percent(h.Class.Top1)} / dist {Percent(h.Distillation.Top1)} / both {Percent(h.Both.Top1)}" : "";
        return FormattableString.Invariant(
            $"epoch {r.Epoch}/{epochs}: lr {r.LearningRate:0.00e+00}, train loss {r.TrainLoss:F4}, val loss {r.Validation.Loss:F4}, val top-1 {Percent(r.Validation.Top1)}, top-5 {Percent(r.Validation.Top5)}{heads}{test}, {r.ImagesPerSecond:F0} img/s, {r.EpochTime.TotalSeconds:F0} s");
    }

    private static string Points(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => Points(fraction) + "%";

    private static void PrintTable(Result result)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"{result.Command}: {result.Job.Model} on {result.Job.Data.Kind}");
        foreach (var column in new[] { "epoch", "lr", "loss", "val loss", "val@1 %", "val@5 %", "test@1 %", "img/s", "time" })
            table.AddColumn(new TableColumn(column).RightAligned().NoWrap().PadLeft(1).PadRight(0));
        foreach (var row in result.Epochs)
            table.AddRow(
                row.Epoch.ToString(CultureInfo.InvariantCulture), row.Lr.ToString("0.00e+00", CultureInfo.InvariantCulture),
                row.TrainLoss.ToString("F4", CultureInfo.InvariantCulture), row.ValLoss.ToString("F4", CultureInfo.InvariantCulture),
                Points(row.ValTop1), Points(row.ValTop5), row.TestTop1 is { } test ? Points(test) : "-",
                row.ImagesPerS.ToString("F0", CultureInfo.InvariantCulture),
                TimeSpan.FromSeconds(row.EpochS).ToString(@"m\:ss", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        var diverged = result.Diverged is { } d ? $" ({d.Reason})" : "";
        AnsiConsole.MarkupLineInterpolated($"outcome: [bold]{result.Outcome}[/]{diverged}, wall time {TimeSpan.FromSeconds(result.WallTimeS):h\\:mm\\:ss}");
        if (result.Out is { } path) AnsiConsole.MarkupLineInterpolated($"weights: {path}");
    }

    /// <summary>A line at every tenth of an epoch.</summary>
    private sealed class StepLines(int epochs) : IProgress<StepProgress>
    {
        public void Report(StepProgress p)
        {
            if (p.Step * 10 / p.StepsPerEpoch != (p.Step - 1) * 10 / p.StepsPerEpoch)
                Console.Error.WriteLine(FormattableString.Invariant(
                    $"  epoch {p.Epoch}/{epochs} step {p.Step}/{p.StepsPerEpoch}: loss {p.Loss:F4}, {p.ImagesPerSecond:F0} img/s"));
        }
    }

    /// <summary>A bar per epoch; a finished epoch's bar keeps its summary as description.</summary>
    private sealed class EpochProgressBars(ProgressContext context, int epochs) : IProgress<StepProgress>
    {
        private readonly Lock _lock = new();
        private ProgressTask? _current;
        private int _epoch;

        public void Report(StepProgress p)
        {
            lock (_lock)
            {
                if (p.Epoch != _epoch || _current is null)
                {
                    _current = context.AddTask($"epoch {p.Epoch}/{epochs}", maxValue: p.StepsPerEpoch);
                    _epoch = p.Epoch;
                }
                _current.Value = p.Step;
                _current.Description = string.Create(CultureInfo.InvariantCulture,
                    $"epoch {p.Epoch}/{epochs}  loss {p.Loss:F4}  {p.ImagesPerSecond:F0} img/s");
            }
        }

        public void Complete(EpochReport report)
        {
            lock (_lock)
            {
                if (_current is null || _epoch != report.Epoch) _current = context.AddTask("", maxValue: 1);
                var test = report.Test is { } t ? $", test top-1 {Percent(t.Top1)}" : "";
                _current.Description = Markup.Escape($"epoch {report.Epoch}/{epochs}: val top-1 {Percent(report.Validation.Top1)}{test}");
                _current.Value = _current.MaxValue;
                _current.StopTask();
                _current = null;
            }
        }
    }
}
