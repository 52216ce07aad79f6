using System.CommandLine;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Trials;

/// <summary>`deit-tune trials`: every trial of a study in order, with state and reason.</summary>
public static class TrialsCommand
{
    public static Command Create()
    {
        var command = new Command("trials", "Every trial of a study: parameters, state, value, epochs, device, reason; with --trial N, that trial's epochs and the end of its log");
        var study = StudyAccess.StudyOption();
        var trial = new Option<int?>("--trial") { Description = "Show this trial: its record, every epoch, and the last lines of its log (what its process printed)" };
        var logLines = new Option<int>("--log-lines") { Description = "How many of the log's last lines --trial shows", DefaultValueFactory = _ => 40 };
        var follow = new Option<bool>("--follow", "-f") { Description = "With --trial: print the log's new lines as they are written, until the trial finishes (Ctrl+C stops)" };
        var checkpointRoot = StudyAccess.CheckpointRootOption("where --trial reads the trial's log");
        foreach (var option in new Option[] { study, trial, logLines, follow, checkpointRoot }) command.Options.Add(option);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(logLines) < 0) throw new CliException($"--log-lines {result.GetValue(logLines)}: give 0 or more");
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var snapshot = await StudyAccess.RequireSnapshot(connection, result.GetValue(study)!);
            if (result.GetValue(follow) && result.GetValue(trial) is null) throw new CliException("--follow: give the trial to follow with --trial N");
            if (result.GetValue(follow) && result.GetValue(GlobalOptions.Json)) throw new CliException("--follow prints the log as it grows: leave out --json (or read `trials --trial N --json` now and then)");
            if (result.GetValue(trial) is { } number)
            {
                var found = snapshot.Trials.FirstOrDefault(t => t.Number == number);
                var files = StudyAccess.TrialFiles(connection, result.GetValue(checkpointRoot));
                if (result.GetValue(follow))
                    return await Follow(connection, files, snapshot, number, found, result.GetValue(logLines), cancellationToken);
                var record = found ?? throw NoSuchTrial(snapshot, number);
                var log = await TrialDetail.ReadLog(files, snapshot, record, result.GetValue(logLines));
                if (result.GetValue(GlobalOptions.Json)) JsonOutput.Write(TrialDetail.Json(record, log));
                else TrialDetail.Write(snapshot, record, log);
                return 0;
            }
            if (result.GetValue(GlobalOptions.Json))
            {
                JsonOutput.Write(new { study = snapshot.Spec.Name, metric = snapshot.Spec.Metric, trials = snapshot.Trials.Select(StudyViews.TrialJson) });
                return 0;
            }
            AnsiConsole.Write(StudyViews.TrialTable($"trials of {snapshot.Spec.Name}", snapshot.Trials, snapshot.Spec.Metric, ranked: false));
            return 0;
        });
        return command;
    }

    private static CliException NoSuchTrial(StudySnapshot snapshot, int number) =>
        new($"--trial {number}: study {snapshot.Spec.Name} has trials 0 to {snapshot.Trials.Count - 1}", snapshot.Trials.Count == 0 ? 4 : 2);

    /// <summary>--follow: the trial's log as it grows, from before its launch when the study will still launch it.</summary>
    private static async Task<int> Follow(TuningConnection connection, TrialFileReader files, StudySnapshot snapshot, int number, TrialRecord? found, int lines,
        CancellationToken cancellationToken)
    {
        var name = snapshot.Spec.Name;
        if (found is null && (number < snapshot.Trials.Count || number >= snapshot.Spec.Trials || snapshot.State is StudyState.Finished or StudyState.Stopped))
            throw NoSuchTrial(snapshot, number);
        Console.Error.WriteLine($"following the log of trial {number} of {name}" + (found is null ? "" : $" ({StudyViews.Params(found)})") + "; Ctrl+C stops");
        var follower = new TrialLogFollower(connection.Client.GetGrain<IStudyGrain>(name), files, Console.Out, Console.Error);
        var ended = await follower.Run(name, number, lines, TrialLogFollower.DefaultPoll, cancellationToken)
            ?? throw new CliException($"--trial {number}: study {name} ended without launching it (`deit-tune search extend` runs more trials)", 4);
        Console.Error.WriteLine($"trial {number}: {StudyViews.State(ended)}" + (ended.Value is { } v ? $", {snapshot.Spec.Metric} {StudyViews.Format(v)}" : "") +
                                (ended.Reason is { } why ? $" ({why})" : ""));
        return 0;
    }
}
