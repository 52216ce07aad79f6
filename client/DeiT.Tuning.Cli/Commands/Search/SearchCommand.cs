using System.CommandLine;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Search;

/// <summary>`deit-tune search start|status|stop|resume`: run a study on the cluster (or the folder's embedded silo).</summary>
public static class SearchCommand
{
    private static readonly Option<bool> Detach = new("--detach") { Description = "Return once the study runs (without --cluster, a background silo keeps it running)" };

    public static Command Create()
    {
        var command = new Command("search", "Run a hyperparameter search (a study) over DeiT training recipes");
        command.Subcommands.Add(Start());
        command.Subcommands.Add(Status());
        command.Subcommands.Add(StopCommand());
        command.Subcommands.Add(Resume());
        return command;
    }

    private static Command Start()
    {
        var command = new Command("start", "Create a study and run it; shows progress and ends with the leaderboard");
        var options = new SearchStartOptions();
        options.AddTo(command);
        command.Options.Add(Detach);
        command.SetAction(async (result, cancellationToken) =>
        {
            var spec = options.Read(result);
            await using var connection = await OpenForRunning(result, cancellationToken);
            var study = connection.Client.GetGrain<IStudyGrain>(spec.Name);
            try
            {
                await study.Create(spec);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message);
            }
            return await RunAndFollow(result, connection, study, cancellationToken);
        });
        return command;
    }

    private static Command Resume()
    {
        var command = new Command("resume", "Run a stopped or interrupted study again; interrupted trials continue from their checkpoints");
        var study = StudyAccess.StudyOption();
        command.Options.Add(study);
        command.Options.Add(Detach);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var connection = await OpenForRunning(result, cancellationToken);
            var name = result.GetValue(study)!;
            await StudyAccess.RequireSnapshot(connection, name);
            return await RunAndFollow(result, connection, connection.Client.GetGrain<IStudyGrain>(name), cancellationToken);
        });
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "State, trial counts, best trial and device utilization of a study");
        var study = StudyAccess.StudyOption();
        command.Options.Add(study);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var snapshot = await StudyAccess.RequireSnapshot(connection, result.GetValue(study)!);
            if (result.GetValue(GlobalOptions.Json))
            {
                JsonOutput.Write(StudyViews.StatusJson(snapshot));
                return 0;
            }
            StudyViews.WriteStatus(snapshot, Console.Out);
            if (connection.Kind == ConnectionKind.Embedded && snapshot.State is StudyState.Running or StudyState.Stopping)
                Console.Out.WriteLine($"  no silo runs this study now (the process that ran it ended): `deit-tune search resume --study {snapshot.Spec.Name}`");
            return 0;
        });
        return command;
    }

    private static Command StopCommand()
    {
        var command = new Command("stop", "Stop launching trials and stop the running ones (they can be resumed)");
        var study = StudyAccess.StudyOption();
        command.Options.Add(study);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var name = result.GetValue(study)!;
            await StudyAccess.RequireSnapshot(connection, name);
            var snapshot = await connection.Client.GetGrain<IStudyGrain>(name).Stop();
            if (result.GetValue(GlobalOptions.Json)) JsonOutput.Write(StudyViews.StatusJson(snapshot));
            else StudyViews.WriteStatus(snapshot, Console.Out);
            return 0;
        });
        return command;
    }

    private static async Task<TuningConnection> OpenForRunning(ParseResult result, CancellationToken cancellationToken)
    {
        var cluster = result.GetValue(GlobalOptions.Cluster);
        if (result.GetValue(Detach) && string.IsNullOrWhiteSpace(cluster))
            await FolderSiloLauncher.EnsureRunningAsync(cancellationToken);
        return await TuningConnection.OpenAsync(cluster, keepStudiesRunning: true, cancellationToken);
    }

    private static async Task<int> RunAndFollow(ParseResult result, TuningConnection connection, IStudyGrain study, CancellationToken cancellationToken)
    {
        var json = result.GetValue(GlobalOptions.Json);
        StudySnapshot started;
        try
        {
            started = await study.Run();
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message, 3);
        }
        Console.Error.WriteLine($"study {started.Spec.Name} running on {connection.Where}: {started.Trials.Count}/{started.Spec.Trials} trials so far, up to {started.Spec.Parallel} at once");
        if (result.GetValue(Detach))
        {
            if (json) JsonOutput.Write(StudyViews.StatusJson(started));
            else Console.Out.WriteLine($"follow it with `deit-tune search status --study {started.Spec.Name}`; stop it with `deit-tune search stop --study {started.Spec.Name}`");
            return 0;
        }
        StudySnapshot done;
        try
        {
            done = await StudyWatcher.FollowAsync(study, cancellationToken);
        }
        catch (OperationCanceledException) when (connection.Kind == ConnectionKind.Embedded)
        {
            Console.Error.WriteLine($"interrupted: the study stops with this process; continue it with `deit-tune search resume --study {started.Spec.Name}`");
            throw;
        }
        var board = await study.GetLeaderboard(10);
        if (json)
        {
            JsonOutput.Write(new { status = StudyViews.StatusJson(done), leaderboard = board.Select(StudyViews.TrialJson) });
            return 0;
        }
        StudyViews.WriteStatus(done, Console.Out);
        AnsiConsole.Write(StudyViews.TrialTable($"leaderboard of {done.Spec.Name} ({done.Spec.Metric}, {done.Spec.Direction.ToString().ToLowerInvariant()})", board, done.Spec.Metric, ranked: true));
        return 0;
    }
}
