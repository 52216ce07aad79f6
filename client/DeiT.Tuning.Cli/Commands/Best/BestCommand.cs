using System.CommandLine;
using System.Globalization;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Cli.Commands.Search;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Training.Models;

namespace DeiT.Tuning.Cli.Commands.Best;

/// <summary>`deit-tune best export`: a study's best trial as a model to take away (weights and model card).</summary>
public static class BestCommand
{
    public static Command Create()
    {
        var command = new Command("best", "The model a study found: export the best trial's weights");
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Train());
        return command;
    }

    private static Command Train()
    {
        var command = new Command("train", "Train the best configuration (or the top k, each with several seeds) again for a longer budget, as trials of the same study");
        var study = StudyAccess.StudyOption();
        var epochs = new Option<int>("--epochs") { Description = "Epochs of each retraining trial", Required = true };
        var top = new Option<int>("--top") { Description = "How many of the best configurations", DefaultValueFactory = _ => 1 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per configuration", DefaultValueFactory = _ => 1 };
        foreach (var option in new Option[] { study, epochs, top, seeds, SearchCommand.Detach }) command.Options.Add(option);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var connection = await SearchCommand.OpenForRunning(result, cancellationToken);
            var name = result.GetValue(study)!;
            await StudyAccess.RequireSnapshot(connection, name);
            var grain = connection.Client.GetGrain<IStudyGrain>(name);
            try
            {
                var added = await grain.Retrain(result.GetValue(top), result.GetValue(seeds), result.GetValue(epochs));
                Console.Error.WriteLine($"retraining {string.Join(", ", added.Trials.Where(t => t.RetrainOf is not null && !t.IsFinished).Select(t => $"trial {t.RetrainOf} as {t.Number}"))} for {result.GetValue(epochs)} epochs");
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message);
            }
            return await SearchCommand.RunAndFollow(result, connection, grain, cancellationToken);
        });
        return command;
    }

    private static Command Export()
    {
        var command = new Command("export", "Write the best trial's best-epoch weights (safetensors) and its model card (recipe, source, metrics)");
        var study = StudyAccess.StudyOption();
        var output = new Option<string>("--out") { Description = "Weights file to write; the model card goes beside it as NAME.json", Required = true };
        var trial = new Option<int?>("--trial") { Description = "Export this trial instead of the best one" };
        var checkpointRoot = StudyAccess.CheckpointRootOption("where trials keep their best weights");
        foreach (var option in new Option[] { study, output, trial, checkpointRoot }) command.Options.Add(option);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var snapshot = await StudyAccess.RequireSnapshot(connection, result.GetValue(study)!);
            var name = snapshot.Spec.Name;
            var chosen = result.GetValue(trial) is { } number
                ? snapshot.Trials.FirstOrDefault(t => t.Number == number) ?? throw new CliException($"--trial {number}: study {name} has no such trial")
                : StudyViews.Best(snapshot) ?? throw new CliException($"study {name} has no scored trial yet; wait for one to finish an epoch (`deit-tune search status --study {name}`)");
            var destination = result.GetValue(output)!;
            var folder = Path.GetDirectoryName(Path.GetFullPath(destination))!;
            Directory.CreateDirectory(folder);
            // Both files land under temporary names first: a trial without them overwrites nothing of the user's.
            var weights = Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(destination)}.download{Path.GetExtension(destination)}");
            var card = ModelCard.PathFor(weights);
            try
            {
                var files = StudyAccess.TrialFiles(connection, result.GetValue(checkpointRoot));
                var (source, unreachable) = await files.CopyTo(name, chosen, TrialFolder.BestWeights, weights, cancellationToken);
                if (source is null)
                    throw new CliException($"trial {chosen.Number} of {name} has no best weights: " + (unreachable ??
                        (chosen.External || snapshot.Spec.Runner.Kind != Abstractions.Studies.RunnerKind.Deit
                            ? "only trials of the DeiT runner keep them"
                            : "it has not finished an epoch, or its folder is gone from the silos' CheckpointRoot")));
                if ((await files.CopyTo(name, chosen, TrialFolder.BestWeightsCard, card, cancellationToken)).Source is null)
                    throw new CliException($"the model card beside {source} is missing: the weights cannot be described");
                var described = ModelCard.ReadBeside(weights) ?? throw new CliException($"the model card beside {source} cannot be read");
                var metrics = new Dictionary<string, double>(described.Metrics);
                if (chosen.TestTop1 is { } test) metrics["test_top1"] = test;
                described = described with { Source = $"study {name}, trial {chosen.Number}, {described.Source}", Metrics = metrics };
                File.Move(weights, destination, overwrite: true);
                described.SaveBeside(destination);
                return Report(result, snapshot, chosen, destination, described, metrics);
            }
            finally
            {
                File.Delete(weights);
                File.Delete(card);
            }
        });
        return command;
    }

    private static int Report(ParseResult result, StudySnapshot snapshot, TrialRecord chosen, string destination, ModelCard card, Dictionary<string, double> metrics)
    {
        var name = snapshot.Spec.Name;
        if (result.GetValue(GlobalOptions.Json))
        {
            JsonOutput.Write(new { study = name, trial = chosen.Number, value = chosen.Value, metric = snapshot.Spec.Metric, @out = destination, card = ModelCard.PathFor(destination), model = card.Model, source = card.Source, metrics });
            return 0;
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trial {chosen.Number} of {name} ({snapshot.Spec.Metric} {StudyViews.Format(chosen.Value)}, {card.Model}) → {destination} (+ {ModelCard.PathFor(destination)})"));
        Console.Out.WriteLine($"  evaluate it: deit-tune eval --weights {destination} --dataset {card.Data.Kind} --data-root {card.Data.Root}");
        return 0;
    }
}
