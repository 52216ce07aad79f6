using System.Globalization;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Dashboard.Api;
using DeiT.Tuning.Search.Distributions;
using ScottPlot;

namespace DeiT.Tuning.Cli.Commands.Plot;

/// <summary>
/// Contour plot (Optuna's plot_contour) of the value over two parameters, from the completed trials: the interpolated
/// grid (<see cref="ContourGrid"/>) as a heat map with contour lines, the trials as black dots. Log ranges read on a
/// log axis, choices at their sorted positions. Without --params, the two parameters fANOVA ranks highest.
/// </summary>
public static class ContourPlot
{
    const int Levels = 15;

    /// <summary>One axis: each trial's plotted position (log10 for log ranges, index for choices) and the tick labels.</summary>
    sealed record Axis(string Name, double[] Positions, double[] Grid, bool Log, IReadOnlyList<string> Choices);

    public static (string X, string Y) DefaultParams(StudySnapshot s)
    {
        var ranked = StudyImportance.Of(s).Select(r => r.Name).ToList();
        if (ranked.Count < 2)
            ranked = StudyImportance.Completed(s).SelectMany(t => t.Params.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        if (ranked.Count < 2)
            throw new CliException($"--study {s.Spec.Name}: a contour needs two parameters; its completed trials have {ranked.Count}", 4);
        return (ranked[0], ranked[1]);
    }

    public static ScottPlot.Plot Draw(StudySnapshot s, string xName, string yName)
    {
        var trials = StudyImportance.Completed(s).Where(t => t.Params.ContainsKey(xName) && t.Params.ContainsKey(yName)).OrderBy(t => t.Number).ToList();
        var space = s.Spec.Space is null ? SearchSpace.DeitDefault : SearchSpace.Parse(s.Spec.Space);
        var x = AxisOf(s, trials, xName, space);
        var y = AxisOf(s, trials, yName, space);
        var values = trials.Select(t => t.Value!.Value).ToArray();
        var grid = ContourGrid.Interpolate(trials.Select((_, i) => (x.Positions[i], y.Positions[i], values[i])).ToList(), x.Grid, y.Grid);

        var plot = new ScottPlot.Plot();
        var colormap = s.Spec.Direction == OptimizationDirection.Maximize ? (IColormap)new ScottPlot.Colormaps.Viridis() : new ScottPlot.Colormaps.Viridis().Reversed();
        var heatmap = plot.Add.Heatmap(FlipRows(grid));
        heatmap.Colormap = colormap;
        double dx = x.Grid[1] - x.Grid[0], dy = y.Grid[1] - y.Grid[0];
        heatmap.Extent = new CoordinateRect(x.Grid[0] - dx / 2, x.Grid[^1] + dx / 2, y.Grid[0] - dy / 2, y.Grid[^1] + dy / 2);
        var points = new Coordinates3d[y.Grid.Length, x.Grid.Length];
        for (var j = 0; j < y.Grid.Length; j++)
        for (var i = 0; i < x.Grid.Length; i++)
            points[j, i] = new Coordinates3d(x.Grid[i], y.Grid[j], grid[j, i]);
        var lines = plot.Add.ContourLines(points, Levels);
        lines.LineColor = Colors.Black.WithAlpha(0.5);
        lines.LabelStyle.IsVisible = false;
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = s.Spec.Metric;
        for (var i = 0; i < trials.Count; i++)
        {
            var ring = plot.Add.Marker(x.Positions[i], y.Positions[i], MarkerShape.FilledCircle, 8);
            ring.Color = Colors.Gray;
            var dot = plot.Add.Marker(x.Positions[i], y.Positions[i], MarkerShape.FilledCircle, 5);
            dot.Color = Colors.Black;
        }
        Label(plot.Axes.Bottom, x);
        Label(plot.Axes.Left, y);
        plot.Axes.SetLimits(x.Grid[0], x.Grid[^1], y.Grid[0], y.Grid[^1]);
        plot.XLabel(x.Log ? $"{xName} (log scale)" : xName);
        plot.YLabel(y.Log ? $"{yName} (log scale)" : yName);
        plot.Title($"{s.Spec.Name}: contour of {s.Spec.Metric} over {xName} and {yName} ({trials.Count} completed trials, interpolated as Optuna's)");
        return plot;
    }

    static Axis AxisOf(StudySnapshot s, IReadOnlyList<TrialRecord> trials, string name, SearchSpace space)
    {
        var settings = trials.Select(t => t.Params[name]).ToList();
        var distribution = space.Contains(name) ? space[name] : null;
        if (distribution is CategoricalDistribution || settings.Any(p => p.Choice is not null))
        {
            var choices = settings.Select(p => p.Choice ?? p.Number.ToString(CultureInfo.InvariantCulture)).ToList();
            var labels = choices.Distinct().Order(StringComparer.Ordinal).ToList();
            Require(s, name, labels.Count);
            return new Axis(name, choices.Select(c => (double)labels.IndexOf(c)).ToArray(), ContourGrid.Axis([], labels.Count), false, labels);
        }
        var log = distribution is NumericDistribution { Log: true };
        var positions = settings.Select(p => log ? Math.Log10(p.Number) : p.Number).ToArray();
        Require(s, name, positions.Distinct().Count());
        return new Axis(name, positions, ContourGrid.Axis(positions), log, []);
    }

    static void Require(StudySnapshot s, string name, int distinct)
    {
        if (distinct < 2)
            throw new CliException($"--params: a contour needs completed trials with at least two values of '{name}'; study {s.Spec.Name} has {distinct}", 4);
    }

    static void Label(IAxis axis, Axis of)
    {
        if (of.Choices.Count > 0)
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(of.Choices.Select((c, i) => new Tick(i, c)).ToArray());
        else if (of.Log)
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => Math.Pow(10, v).ToString("0.##e0", CultureInfo.InvariantCulture) };
    }

    /// <summary>ScottPlot draws a heat map's first row at the top; the grid's first row is the lowest y.</summary>
    static double[,] FlipRows(double[,] grid)
    {
        int rows = grid.GetLength(0), columns = grid.GetLength(1);
        var flipped = new double[rows, columns];
        for (var j = 0; j < rows; j++)
        for (var i = 0; i < columns; i++)
            flipped[rows - 1 - j, i] = grid[j, i];
        return flipped;
    }
}
