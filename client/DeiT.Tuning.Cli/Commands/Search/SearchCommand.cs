using System.CommandLine;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Search;

/// <summary>`deit-tune search start|status|stop|resume`: run a study on the cluster (or the folder's embedded silo).</summary>
public static class SearchCommand
{
    internal static readonly Option<bool> Detach = new("--detach") { Description = "Return once the study runs (without --cluster, a background silo keeps it running)" };

    public static Command Create()
    {
        var command = new Command("search", "Run a hyperparameter search (a study) over DeiT training recipes");
        command.Subcommands.Add(Start());
        command.Subcommands.Add(Status());
        command.Subcommands.Add(StopCommand());
        command.Subcommands.Add(Resume());
        command.Subcommands.Add(Extend());
        command.Subcommands.Add(Delete());
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

    internal static Command Resume()
    {
        var command = new Command("resume", "Run a stopped or interrupted study again; interrupted trials continue from their checkpoints");
        var study = StudyAccess.StudyOption();
        command.Options.Add(study);
        command.Options.Add(Detach);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var connection = await OpenForRunning(result, cancellationToken);
            var name = result.GetValue(study)!;
            var snapshot = await StudyAccess.RequireSnapshot(connection, name);
            RefuseAskAndTell(snapshot, "resume");
            var grain = connection.Client.GetGrain<IStudyGrain>(name);
            if (snapshot is { State: StudyState.Finished, StopReason: { } reason })
            {
                // Running it again would only meet the same budget or stopping rule at once (a finished study that
                // `best train` gave new trials has no stop reason, and runs).
                Console.Error.WriteLine($"study {name} has finished ({reason}), so there is nothing to resume: " +
                    $"`deit-tune search extend --study {name}` with --trials, --time-budget, --patience or --stop-at runs it on");
                return await WriteOutcome(result, grain, snapshot);
            }
            return await RunAndFollow(result, connection, grain, cancellationToken);
        });
        return command;
    }

    private static Command Extend()
    {
        var command = new Command("extend", "Raise a study's trial or time budget or its patience, or move its target further, then run it on (as resume does)");
        var study = StudyAccess.StudyOption();
        var trials = new Option<int?>("--trials") { Description = "New trial budget (above the current one)" };
        var timeBudget = new Option<string?>("--time-budget") { Description = "New time budget (above the current one), e.g. 30m" };
        var patience = new Option<int?>("--patience") { Description = "New patience (above the current one): trials in a row without a new best before the study ends" };
        var stopAt = new Option<double?>("--stop-at") { Description = "New target value (beyond the current one) at which the study ends" };
        foreach (var option in new Option[] { study, trials, timeBudget, patience, stopAt, Detach }) command.Options.Add(option);
        command.SetAction(async (result, cancellationToken) =>
        {
            var budget = result.GetValue(timeBudget) is { } text
                ? DurationText.TryParse(text) ?? throw new CliException($"--time-budget {text}: write a duration such as 90s, 15m or 1h30m")
                : (TimeSpan?)null;
            await using var connection = await OpenForRunning(result, cancellationToken);
            var name = result.GetValue(study)!;
            RefuseAskAndTell(await StudyAccess.RequireSnapshot(connection, name), "extend");
            var grain = connection.Client.GetGrain<IStudyGrain>(name);
            try
            {
                await grain.Extend(result.GetValue(trials), budget, result.GetValue(patience), result.GetValue(stopAt));
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message);
            }
            return await RunAndFollow(result, connection, grain, cancellationToken);
        });
        return command;
    }

    /// <summary>An ask-and-tell study has no budget and runs nothing itself: the caller's `study ask`/`tell` drive it.</summary>
    private static void RefuseAskAndTell(StudySnapshot snapshot, string verb)
    {
        if (snapshot.Spec.Runner.Kind == RunnerKind.AskTell)
            throw new CliException($"study {snapshot.Spec.Name} is an ask-and-tell study, with nothing to {verb}: `deit-tune study ask --study {snapshot.Spec.Name}` " +
                                   "gives its next trial and `study tell` records the value");
    }

    private static Command Delete()
    {
        var command = new Command("delete", "Delete a study: its state, trials and checkpoints (asks first unless --yes)");
        var study = StudyAccess.StudyOption();
        var yes = new Option<bool>("--yes") { Description = "Delete without asking" };
        command.Options.Add(study);
        command.Options.Add(yes);
        command.SetAction(async (result, cancellationToken) =>
        {
            var name = result.GetValue(study)!;
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var snapshot = await StudyAccess.RequireSnapshot(connection, name);
            if (!result.GetValue(yes))
            {
                if (Console.IsInputRedirected)
                    throw new CliException($"deleting study {name} ({snapshot.Trials.Count} trials) cannot be undone: add --yes to confirm");
                Console.Error.Write($"delete study {name}: {snapshot.Trials.Count} trials and their checkpoints? type the study's name to confirm: ");
                if (Console.ReadLine()?.Trim() != name) throw new CliException("not deleted: the name typed did not match", 1);
            }
            try
            {
                await connection.Client.GetGrain<IStudyGrain>(name).Delete();
            }
            catch (InvalidOperationException e)
            {
                throw new CliException(e.Message);
            }
            if (result.GetValue(GlobalOptions.Json)) JsonOutput.Write(new { study = name, deleted = true, trials = snapshot.Trials.Count });
            else Console.Out.WriteLine($"study {name} deleted ({snapshot.Trials.Count} trials)");
            return 0;
        });
        return command;
    }

    internal static Command Status()
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

    internal static Command StopCommand()
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

    internal static async Task<TuningConnection> OpenForRunning(ParseResult result, CancellationToken cancellationToken)
    {
        var cluster = result.GetValue(GlobalOptions.Cluster);
        if (result.GetValue(Detach) && string.IsNullOrWhiteSpace(cluster))
            await FolderSiloLauncher.EnsureRunningAsync(cancellationToken);
        return await TuningConnection.OpenAsync(cluster, keepStudiesRunning: true, cancellationToken);
    }

    internal static async Task<int> RunAndFollow(ParseResult result, TuningConnection connection, IStudyGrain study, CancellationToken cancellationToken)
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
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Stopping);
            done = await StudyWatcher.FollowAsync(study, stop.Token);
        }
        catch (OperationCanceledException) when (connection.Kind == ConnectionKind.Embedded)
        {
            Console.Error.WriteLine($"interrupted: the study stops with this process; continue it with `deit-tune search resume --study {started.Spec.Name}`");
            throw;
        }
        return await WriteOutcome(result, study, done);
    }

    private static async Task<int> WriteOutcome(ParseResult result, IStudyGrain study, StudySnapshot done)
    {
        var json = result.GetValue(GlobalOptions.Json);
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
