using System.CommandLine;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Trials;

/// <summary>`deit-tune trials`: every trial of a study in order, with state and reason.</summary>
public static class TrialsCommand
{
    public static Command Create()
    {
        var command = new Command("trials", "Every trial of a study: parameters, state, value, epochs, device, reason");
        var study = StudyAccess.StudyOption();
        command.Options.Add(study);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var snapshot = await StudyAccess.RequireSnapshot(connection, result.GetValue(study)!);
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
}
