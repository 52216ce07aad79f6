using System.CommandLine;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Dashboard.Api;

namespace DeiT.Tuning.Cli.Commands.Plot;

/// <summary>`deit-tune plot history|curves|slice|contour|parallel|importance --study S --out FILE.png [--json]`: Optuna's
/// visualizations of a study, as PNG files; `plot edf --study A,B` compares studies.</summary>
public static class PlotCommand
{
    public static Command Create()
    {
        var command = new Command("plot", "Plot a study: optimization history, learning curves, a parameter's slice, a contour over two parameters, parallel coordinates, parameter importance (fANOVA); or compare studies (edf)");
        command.Subcommands.Add(Kind("history", "Each trial's value and the best so far", (_, s) => (StudyPlots.History(s), null)));
        command.Subcommands.Add(Kind("curves", "Each trial's validation metric by epoch, pruned trials marked where they stopped", Curves));
        var parameter = new Option<string>("--param") { Description = "The parameter to plot the value against", Required = true };
        command.Subcommands.Add(Kind("slice", "The value against one parameter (--param), one point a trial", (r, s) => Slice(s, r.GetValue(parameter)!), parameter));
        var pair = new Option<string?>("--params") { Description = "Two parameters, x then y: --params lr,weight_decay (default: the two that fANOVA ranks highest)" };
        command.Subcommands.Add(Kind("contour", "The value over two parameters (--params x,y), interpolated between the completed trials as Optuna's plot_contour",
            (r, s) => Contour(s, r.GetValue(pair)), pair));
        command.Subcommands.Add(Kind("parallel", "Parallel coordinates of the parameters, colored by value", (_, s) => (StudyPlots.Parallel(s), null)));
        command.Subcommands.Add(Kind("importance",
            "Parameter importance by fANOVA (as Optuna's default): the share of the completed trials' variance each parameter explains, from a random forest",
            (_, s) => Importance(s)));
        command.Subcommands.Add(Kind("edf",
            "Compare studies (--study gp,tpe): for each, the share of its completed trials whose value is at most x, as Optuna's plot_edf",
            many: true, (_, studies) => Edf(studies)));
        return command;
    }

    private static (ScottPlot.Plot, Dictionary<string, object?>?) Edf(IReadOnlyList<StudySnapshot> studies)
    {
        if (studies.Select(s => s.Spec.Metric).Distinct().Count() > 1)
            throw new CliException($"--study {string.Join(",", studies.Select(s => s.Spec.Name))}: the studies measure " +
                $"{string.Join(", ", studies.Select(s => $"{s.Spec.Name} {s.Spec.Metric}"))}; compare studies of one metric");
        var curves = EmpiricalDistribution.Of(studies)
            ?? throw new CliException($"--study {string.Join(",", studies.Select(s => s.Spec.Name))}: no study has a completed trial yet", 4);
        var figures = new Dictionary<string, object?>
        {
            ["x"] = curves.X,
            ["lines"] = curves.Lines.Select(l => new { study = l.Study, completed = l.Completed, y = l.Y.Select(y => double.IsFinite(y) ? y : (double?)null) }).ToList(),
        };
        return (StudyPlots.Edf(studies[0].Spec.Metric, curves), figures);
    }

    private static (ScottPlot.Plot, Dictionary<string, object?>?) Curves(ParseResult _, StudySnapshot s) => s.Trials.Any(t => t.Epochs.Count > 0)
        ? (StudyPlots.Curves(s), null)
        : throw new CliException($"--study {s.Spec.Name}: no trial has reported an epoch (trials told by `study tell` have no curves)", 4);

    private static (ScottPlot.Plot, Dictionary<string, object?>?) Slice(StudySnapshot s, string parameter)
    {
        var names = s.Trials.Where(t => t.Value is not null).SelectMany(t => t.Params.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        if (!names.Contains(parameter))
            throw new CliException($"--param {parameter}: no scored trial of study {s.Spec.Name} has it; its parameters: {string.Join(", ", names)}");
        return (StudyPlots.Slice(s, parameter), null);
    }

    private static (ScottPlot.Plot, Dictionary<string, object?>?) Contour(StudySnapshot s, string? pair)
    {
        string? x = null, y = null;
        if (pair is not null)
        {
            var names = pair.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (names.Length != 2)
                throw new CliException($"--params {pair}: give two different parameters, x then y, such as --params lr,weight_decay");
            (x, y) = (names[0], names[1]);
        }
        try
        {
            var contour = StudyContour.Of(s, x, y);
            return (ContourPlot.Draw(s, contour), new Dictionary<string, object?> { ["params"] = new[] { contour.X.Param, contour.Y.Param } });
        }
        catch (ContourException e)
        {
            throw new CliException(e.BadParams ? $"--params {pair}: {e.Message}" : $"--study {s.Spec.Name}: {e.Message}", e.BadParams ? 2 : 4);
        }
    }

    /// <summary>The importance plot, and the figures for --json.</summary>
    private static (ScottPlot.Plot, Dictionary<string, object?>?) Importance(StudySnapshot s)
    {
        var importances = StudyImportance.Of(s);
        if (importances.Count == 0)
            throw new CliException($"--study {s.Spec.Name}: fANOVA needs at least 2 completed trials whose parameters fit the study's space and whose " +
                $"values differ; it has {StudyImportance.Completed(s).Count} completed; plot once more trials have finished", 4);
        var figures = importances.Select(r => new { param = r.Name, importance = r.Importance, main_effect = r.MainEffect, main_effect_std = r.MainEffectStd }).ToList();
        return (StudyPlots.Importance(s, importances), new Dictionary<string, object?> { ["importances"] = figures });
    }

    /// <summary>A plot of one study; <paramref name="draw"/> returns the plot and what --json adds beside the file's name.</summary>
    private static Command Kind(string name, string description, Func<ParseResult, StudySnapshot, (ScottPlot.Plot Plot, Dictionary<string, object?>? Figures)> draw,
        params Option[] extra) =>
        Kind(name, description, many: false, (result, studies) => draw(result, studies[0]), extra);

    /// <summary>A plot subcommand; with <paramref name="many"/>, --study names one or more studies, comma-separated.</summary>
    private static Command Kind(string name, string description, bool many,
        Func<ParseResult, IReadOnlyList<StudySnapshot>, (ScottPlot.Plot Plot, Dictionary<string, object?>? Figures)> draw, params Option[] extra)
    {
        var command = new Command(name, description);
        var study = many ? new Option<string>("--study") { Description = "Studies to compare, comma-separated: --study gp,tpe", Required = true } : StudyAccess.StudyOption();
        var output = new Option<FileInfo>("--out") { Description = "PNG file to write", Required = true };
        var width = new Option<int>("--width") { DefaultValueFactory = _ => 1000 };
        var height = new Option<int>("--height") { DefaultValueFactory = _ => 600 };
        foreach (var option in new Option[] { study, output, width, height }.Concat(extra)) command.Options.Add(option);
        command.SetAction(async (result, cancellationToken) =>
        {
            var file = result.GetValue(output)!;
            if (!file.Name.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                throw new CliException($"--out {file.Name}: plots are PNG files; name it *.png");
            var names = many ? result.GetValue(study)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray() : [result.GetValue(study)!];
            if (names.Length == 0) throw new CliException("--study: name the studies to compare, comma-separated");
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var snapshots = new List<StudySnapshot>();
            foreach (var each in names) snapshots.Add(await StudyAccess.RequireSnapshot(connection, each));
            if (!snapshots.Any(s => s.Trials.Any(t => t.Value is not null)))
                throw new CliException($"--study {string.Join(",", names)}: no trial has a value yet; plot once trials have finished", 4);
            var (plot, figures) = draw(result, snapshots);
            Directory.CreateDirectory(file.DirectoryName!);
            plot.SavePng(file.FullName, result.GetValue(width), result.GetValue(height));
            if (result.GetValue(GlobalOptions.Json))
            {
                var document = new Dictionary<string, object?> { ["plot"] = name, ["study"] = string.Join(",", names), ["file"] = file.FullName };
                foreach (var (key, value) in figures ?? []) document[key] = value;
                JsonOutput.Write(document);
            }
            else Console.Error.WriteLine($"wrote {file.FullName}");
            return 0;
        });
        return command;
    }
}
