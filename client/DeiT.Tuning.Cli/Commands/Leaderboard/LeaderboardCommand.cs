using System.CommandLine;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Leaderboard;

/// <summary>`deit-tune leaderboard`: a study's best trials by its metric, with configurations, epochs and state.</summary>
public static class LeaderboardCommand
{
    public static Command Create()
    {
        var command = new Command("leaderboard", "Best trials of a study by its metric");
        var study = StudyAccess.StudyOption();
        var top = new Option<int>("--top") { Description = "How many trials", DefaultValueFactory = _ => 10 };
        command.Options.Add(study);
        command.Options.Add(top);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(top) < 1) throw new CliException($"--top {result.GetValue(top)}: must be at least 1");
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var snapshot = await StudyAccess.RequireSnapshot(connection, result.GetValue(study)!);
            var board = await connection.Client.GetGrain<IStudyGrain>(snapshot.Spec.Name).GetLeaderboard(result.GetValue(top));
            if (result.GetValue(GlobalOptions.Json))
            {
                JsonOutput.Write(new
                {
                    study = snapshot.Spec.Name,
                    metric = snapshot.Spec.Metric,
                    direction = snapshot.Spec.Direction.ToString().ToLowerInvariant(),
                    trials = board.Select(StudyViews.TrialJson),
                });
                return 0;
            }
            AnsiConsole.Write(StudyViews.TrialTable(
                $"leaderboard of {snapshot.Spec.Name} ({snapshot.Spec.Metric}, {snapshot.Spec.Direction.ToString().ToLowerInvariant()})", board, snapshot.Spec.Metric, ranked: true));
            return 0;
        });
        return command;
    }
}
