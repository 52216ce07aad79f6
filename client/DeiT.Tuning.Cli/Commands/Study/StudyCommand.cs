using System.CommandLine;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Samplers;

namespace DeiT.Tuning.Cli.Commands.Study;

/// <summary>
/// `deit-tune study ask|tell`: Optuna's ask-and-tell against the cluster. `ask` returns a trial number and its
/// parameters (creating an ask-and-tell study from --space on first use); the caller trains and `tell`s the value.
/// </summary>
public static class StudyCommand
{
    public static Command Create()
    {
        var command = new Command("study", "Ask-and-tell: get parameters to try, report what they scored");
        command.Subcommands.Add(Ask());
        command.Subcommands.Add(Tell());
        return command;
    }

    private static Command Ask()
    {
        var command = new Command("ask", "A new trial's number and parameters");
        var study = StudyAccess.StudyOption();
        var space = new Option<FileInfo?>("--space") { Description = "Search space file; creates an ask-and-tell study when none exists yet" };
        var sampler = new Option<string>("--sampler") { Description = SamplerSpec.Description + " (new study)", DefaultValueFactory = _ => "auto" };
        var direction = new Option<string>("--direction") { Description = "maximize or minimize (new study)", DefaultValueFactory = _ => "maximize" };
        direction.AcceptOnlyFromAmong("maximize", "minimize");
        var seed = new Option<int>("--seed") { Description = "Sampler seed (new study)", DefaultValueFactory = _ => 0 };
        foreach (var option in new Option[] { study, space, sampler, direction, seed }) command.Options.Add(option);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var name = result.GetValue(study)!;
            var grain = connection.Client.GetGrain<IStudyGrain>(name);
            if (await grain.GetSnapshot() is null)
            {
                var file = result.GetValue(space)
                    ?? throw new CliException($"--study {name} does not exist: give --space FILE to create an ask-and-tell study", 4);
                await CreateAskTellStudy(grain, name, file, SamplerSpec.Check(result.GetValue(sampler)!, "--sampler"), result.GetValue(direction)!, result.GetValue(seed));
            }
            TrialRecord trial;
            try
            {
                trial = await grain.Ask();
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message);
            }
            if (result.GetValue(GlobalOptions.Json)) JsonOutput.Write(StudyViews.TrialJson(trial));
            else Console.Out.WriteLine($"trial {trial.Number}: {StudyViews.Params(trial)}");
            return 0;
        });
        return command;
    }

    private static Command Tell()
    {
        var command = new Command("tell", "Record the value (or failure) of an asked trial");
        var study = StudyAccess.StudyOption();
        var trial = new Option<int>("--trial") { Description = "Trial number from `study ask`", Required = true };
        var value = new Option<double?>("--value") { Description = "Objective value (required for completed)" };
        var state = new Option<string>("--state") { Description = "completed, pruned or failed", DefaultValueFactory = _ => "completed" };
        state.AcceptOnlyFromAmong("completed", "pruned", "failed");
        var reason = new Option<string?>("--reason") { Description = "Why it failed or was pruned" };
        foreach (var option in new Option[] { study, trial, value, state, reason }) command.Options.Add(option);
        command.SetAction(async (result, cancellationToken) =>
        {
            var status = Enum.Parse<TrialStatus>(result.GetValue(state)!, ignoreCase: true);
            if (status == TrialStatus.Completed && result.GetValue(value) is null)
                throw new CliException("--value is required with --state completed");
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var snapshot = await StudyAccess.RequireSnapshot(connection, result.GetValue(study)!);
            TrialRecord told;
            try
            {
                told = await connection.Client.GetGrain<IStudyGrain>(snapshot.Spec.Name)
                    .Tell(result.GetValue(trial), status, result.GetValue(value), result.GetValue(reason));
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException)
            {
                throw new CliException($"--trial {result.GetValue(trial)}: {e.Message}");
            }
            if (result.GetValue(GlobalOptions.Json)) JsonOutput.Write(StudyViews.TrialJson(told));
            else Console.Out.WriteLine($"trial {told.Number}: {StudyViews.State(told)}, value {StudyViews.Format(told.Value)}");
            return 0;
        });
        return command;
    }

    private static async Task CreateAskTellStudy(IStudyGrain grain, string name, FileInfo file, string sampler, string direction, int seed)
    {
        if (!file.Exists) throw new CliException($"--space {file.FullName}: no such file");
        var text = await File.ReadAllTextAsync(file.FullName);
        try
        {
            SearchSpace.Parse(text);
            await grain.Create(new StudySpec
            {
                Name = name,
                Space = text,
                Sampler = sampler,
                Direction = direction == "minimize" ? OptimizationDirection.Minimize : OptimizationDirection.Maximize,
                Seed = seed,
                Trials = int.MaxValue,
                Runner = new TrialRunnerSpec { Kind = RunnerKind.AskTell },
            });
        }
        catch (Exception e) when (e is SearchSpaceException or ArgumentException)
        {
            throw new CliException($"--space {file.Name}: {e.Message}");
        }
    }
}
