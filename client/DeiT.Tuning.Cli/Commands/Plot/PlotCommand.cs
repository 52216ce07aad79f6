using System.CommandLine;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;

namespace DeiT.Tuning.Cli.Commands.Plot;

/// <summary>`deit-tune plot history|parallel|importance --study S --out FILE.png`.</summary>
public static class PlotCommand
{
    public static Command Create()
    {
        var command = new Command("plot", "Plot a study: optimization history, parallel coordinates, or parameter importance (correlation-based)");
        command.Subcommands.Add(Kind("history", "Each trial's value and the best so far", StudyPlots.History));
        command.Subcommands.Add(Kind("parallel", "Parallel coordinates of the parameters, colored by value", StudyPlots.Parallel));
        command.Subcommands.Add(Kind("importance", "Parameter importance: |Spearman ρ| (numbers) or η (choices) with the objective", StudyPlots.Importance));
        return command;
    }

    private static Command Kind(string name, string description, Func<Abstractions.Studies.StudySnapshot, ScottPlot.Plot> draw)
    {
        var command = new Command(name, description);
        var study = StudyAccess.StudyOption();
        var output = new Option<FileInfo>("--out") { Description = "PNG file to write", Required = true };
        var width = new Option<int>("--width") { DefaultValueFactory = _ => 1000 };
        var height = new Option<int>("--height") { DefaultValueFactory = _ => 600 };
        foreach (var option in new Option[] { study, output, width, height }) command.Options.Add(option);
        command.SetAction(async (result, cancellationToken) =>
        {
            var file = result.GetValue(output)!;
            if (!file.Name.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                throw new CliException($"--out {file.Name}: plots are PNG files; name it *.png");
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var snapshot = await StudyAccess.RequireSnapshot(connection, result.GetValue(study)!);
            if (!snapshot.Trials.Any(t => t.Value is not null))
                throw new CliException($"--study {snapshot.Spec.Name}: no trial has a value yet; plot once trials have finished", 4);
            draw(snapshot).SavePng(file.FullName, result.GetValue(width), result.GetValue(height));
            if (result.GetValue(GlobalOptions.Json)) JsonOutput.Write(new { plot = name, study = snapshot.Spec.Name, file = file.FullName });
            else Console.Error.WriteLine($"wrote {file.FullName}");
            return 0;
        });
        return command;
    }
}
