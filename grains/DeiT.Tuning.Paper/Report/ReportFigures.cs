using DeiT.Tuning.Paper.Plan;
using ScottPlot;

namespace DeiT.Tuning.Paper.Report;

/// <summary>PNG figures: per table a bar chart (mean, error bar = std over seeds), and per table with trained
/// configurations their learning curves (mean validation top-1 per epoch).</summary>
public static class ReportFigures
{
    public const int Width = 1000;
    public const int Height = 520;

    /// <summary>Writes the figures into <paramref name="folder"/> and returns their file names.</summary>
    public static IReadOnlyList<string> Write(PaperReportData data, string folder)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        foreach (var table in Enum.GetValues<PaperTable>())
        {
            var rows = data.Table(table).Where(r => r.Mean is not null).ToList();
            if (rows.Count > 0)
            {
                var name = $"{table.Name()}.png";
                Bars(table, rows).SavePng(Path.Combine(folder, name), Width, Height);
                files.Add(name);
            }
            var curves = data.Curves.Where(c => c.Table == table).ToList();
            if (curves.Count > 0)
            {
                var name = $"{table.Name()}-curves.png";
                Curves(table, curves).SavePng(Path.Combine(folder, name), Width, Height);
                files.Add(name);
            }
        }
        return files;
    }

    private static Plot Bars(PaperTable table, IReadOnlyList<ReportRow> rows)
    {
        var plot = new Plot();
        var bars = rows.Select((r, i) => new Bar { Position = i, Value = r.Mean!.Value, Error = r.Std ?? 0 }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(rows.Select((r, i) => new Tick(i, r.Row.Config)).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 120;
        plot.Axes.Margins(bottom: 0);
        plot.Title($"{table.Name()}: mean ± std over seeds");
        plot.YLabel(table == PaperTable.Disagreement ? "disagreement (%)" : "top-1 (%)");
        return plot;
    }

    private static Plot Curves(PaperTable table, IReadOnlyList<LearningCurve> curves)
    {
        var plot = new Plot();
        foreach (var curve in curves)
        {
            var line = plot.Add.ScatterLine(curve.Epochs.Select(e => (double)e).ToArray(), curve.MeanTop1.ToArray());
            line.LegendText = curve.Config;
            line.MarkerSize = 5;
        }
        plot.ShowLegend(Edge.Right);
        plot.Title($"{table.Name()}: validation top-1 per epoch (mean over seeds)");
        plot.XLabel("epoch");
        plot.YLabel("validation top-1 (%)");
        return plot;
    }
}
