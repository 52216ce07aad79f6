using System.Globalization;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Dashboard.Api;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Trials;

/// <summary>`deit-tune trials --study S --trial N`: one trial's record, its epochs and the end of its log
/// (<see cref="TrialFolder.Log"/> in its folder: on this machine's checkpoint root, else on the silo that ran it).</summary>
public static class TrialDetail
{
    public static Task<TrialLogDocument> ReadLog(TrialFileReader files, StudySnapshot s, TrialRecord trial, int lines) =>
        TrialLogTail.Read(files, s.Spec.Name, trial, lines, "none yet (the trial has not started, or waits to be resumed)");

    public static object Json(TrialRecord trial, TrialLogDocument log) => new
    {
        trial = StudyViews.TrialJson(trial),
        log = new { path = log.Path, lines = log.Lines, missing = log.Missing },
    };

    public static void Write(StudySnapshot s, TrialRecord t, TrialLogDocument log)
    {
        var value = t.Value is { } v ? $", {s.Spec.Metric} {StudyViews.Format(v)}" : "";
        AnsiConsole.MarkupLine(Markup.Escape($"trial {t.Number} of {s.Spec.Name}: {StudyViews.State(t)}{value}, attempt {t.Attempt}" +
                                             (t.Device is null ? "" : $" on {t.Silo} {t.Device}")));
        AnsiConsole.MarkupLine(Markup.Escape($"  parameters: {StudyViews.Params(t)}"));
        if (t.Reason is { } reason) AnsiConsole.MarkupLine(Markup.Escape($"  reason: {reason}"));
        if (t.Epochs.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in new[] { "epoch", "top1", "top5", "loss", "train loss", "images/s", "seconds" }) table.AddColumn(new TableColumn(column).RightAligned());
            foreach (var e in t.Epochs)
                table.AddRow(e.Epoch.ToString(CultureInfo.InvariantCulture), StudyViews.Format(e.Top1), StudyViews.Format(e.Top5), StudyViews.Format(e.Loss),
                    StudyViews.Format(e.TrainLoss), e.ImagesPerSecond.ToString("0.#", CultureInfo.InvariantCulture), e.Seconds.ToString("0.#", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
        }
        if (log.Lines is { } lines)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"log ({log.Path}, last {lines.Count} lines):"));
            foreach (var line in lines) Console.Out.WriteLine(line);
        }
        else
        {
            AnsiConsole.MarkupLine(Markup.Escape($"log ({log.Path}): {log.Missing}"));
        }
    }
}
