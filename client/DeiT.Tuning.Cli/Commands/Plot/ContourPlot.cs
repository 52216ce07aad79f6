using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Dashboard.Api;
using ScottPlot;

namespace DeiT.Tuning.Cli.Commands.Plot;

/// <summary>Draws a <see cref="StudyContour"/> as Optuna's plot_contour does: the interpolated grid as a heat map with
/// contour lines, the completed trials as black dots; log ranges on a log axis, choices by name.</summary>
public static class ContourPlot
{
    const int Levels = 15;

    public static ScottPlot.Plot Draw(StudySnapshot s, ContourDocument contour)
    {
        var (x, y) = (contour.X, contour.Y);
        var plot = new ScottPlot.Plot();
        var viridis = new ScottPlot.Colormaps.Viridis();
        var heatmap = plot.Add.Heatmap(TopRowFirst(contour.Z));
        heatmap.Colormap = s.Spec.Direction == OptimizationDirection.Maximize ? viridis : viridis.Reversed();
        double dx = x.Grid[1] - x.Grid[0], dy = y.Grid[1] - y.Grid[0];
        heatmap.Extent = new CoordinateRect(x.Grid[0] - dx / 2, x.Grid[^1] + dx / 2, y.Grid[0] - dy / 2, y.Grid[^1] + dy / 2);
        var surface = new Coordinates3d[y.Grid.Length, x.Grid.Length];
        for (var j = 0; j < y.Grid.Length; j++)
        for (var i = 0; i < x.Grid.Length; i++)
            surface[j, i] = new Coordinates3d(x.Grid[i], y.Grid[j], contour.Z[j][i]);
        var lines = plot.Add.ContourLines(surface, Levels);
        lines.LineColor = Colors.Black.WithAlpha(0.5);
        lines.LabelStyle.IsVisible = false;
        plot.Add.ColorBar(heatmap).Label = s.Spec.Metric;
        foreach (var trial in contour.Trials)
        {
            plot.Add.Marker(trial.X, trial.Y, MarkerShape.FilledCircle, 8).Color = Colors.Gray;
            plot.Add.Marker(trial.X, trial.Y, MarkerShape.FilledCircle, 5).Color = Colors.Black;
        }
        Ticks(plot.Axes.Bottom, x);
        Ticks(plot.Axes.Left, y);
        plot.Axes.SetLimits(x.Grid[0], x.Grid[^1], y.Grid[0], y.Grid[^1]);
        plot.XLabel(x.Log ? $"{x.Param} (log scale)" : x.Param);
        plot.YLabel(y.Log ? $"{y.Param} (log scale)" : y.Param);
        plot.Title($"{s.Spec.Name}: contour of {s.Spec.Metric} over {x.Param} and {y.Param} ({contour.Trials.Count} completed trials, interpolated as Optuna's)");
        return plot;
    }

    static void Ticks(IAxis axis, ContourAxisDocument of)
    {
        if (of.Choices.Count > 0)
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(of.Choices.Select((c, i) => new Tick(i, c)).ToArray());
        else if (of.Log)
            axis.TickGenerator = LogTicks.For(of.Grid[0], of.Grid[^1]);
    }

    /// <summary>ScottPlot draws a heat map's first row at the top; the grid's first row is the lowest y.</summary>
    static double[,] TopRowFirst(double[][] z)
    {
        int rows = z.Length, columns = z[0].Length;
        var flipped = new double[rows, columns];
        for (var j = 0; j < rows; j++)
        for (var i = 0; i < columns; i++)
            flipped[rows - 1 - j, i] = z[j][i];
        return flipped;
    }
}
