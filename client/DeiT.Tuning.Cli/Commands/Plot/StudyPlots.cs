using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Dashboard.Api;
using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Importance;
using ScottPlot;

namespace DeiT.Tuning.Cli.Commands.Plot;

/// <summary>The study plots (Optuna's visualizations), drawn with ScottPlot 5.</summary>
public static class StudyPlots
{
    /// <summary>Each scored trial's value by trial number, and the best value so far as a line.</summary>
    public static ScottPlot.Plot History(StudySnapshot s)
    {
        var scored = Scored(s).OrderBy(t => t.Number).ToList();
        var plot = new ScottPlot.Plot();
        var xs = scored.Select(t => (double)t.Number).ToArray();
        var ys = scored.Select(t => t.Value!.Value).ToArray();
        var points = plot.Add.ScatterPoints(xs, ys);
        points.LegendText = "trial";
        var best = new double[ys.Length];
        for (var i = 0; i < ys.Length; i++)
            best[i] = i == 0 ? ys[0] : s.Spec.Direction == OptimizationDirection.Maximize ? Math.Max(best[i - 1], ys[i]) : Math.Min(best[i - 1], ys[i]);
        var line = plot.Add.ScatterLine(xs, best);
        line.LegendText = "best so far";
        plot.Title($"{s.Spec.Name}: optimization history");
        plot.XLabel("trial");
        plot.YLabel(s.Spec.Metric);
        plot.ShowLegend();
        return plot;
    }

    /// <summary>Optuna's plot_edf: one line per study, the share of its completed trials at most each value.</summary>
    public static ScottPlot.Plot Edf(string metric, EdfCurves curves)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < curves.Lines.Count; i++)
        {
            var line = curves.Lines[i];
            if (line.Completed == 0) continue;
            var scatter = plot.Add.ScatterLine(curves.X, line.Y);
            scatter.LegendText = $"{line.Study} ({line.Completed} completed)";
            scatter.Color = palette.GetColor(i);
            scatter.LineWidth = 2;
        }
        plot.Title($"empirical distribution of {metric}: {string.Join(" vs ", curves.Lines.Select(l => l.Study))}");
        plot.XLabel(metric);
        plot.YLabel("share of completed trials ≤ x");
        plot.Axes.SetLimitsY(0, 1.02);
        plot.ShowLegend();
        return plot;
    }

    /// <summary>Learning curves (Optuna's intermediate values): each trial's metric by epoch; pruned trials grey and
    /// ended with a cross, where the pruner stopped them.</summary>
    public static ScottPlot.Plot Curves(StudySnapshot s)
    {
        var plot = new ScottPlot.Plot();
        var colormap = new ScottPlot.Colormaps.Viridis();
        var trials = s.Trials.Where(t => t.Epochs.Count > 0).OrderBy(t => t.Number).ToList();
        foreach (var trial in trials)
        {
            var points = trial.Epochs.Where(e => double.IsFinite(e.Metric(s.Spec.Metric))).ToList();
            if (points.Count == 0) continue;
            var xs = points.Select(e => (double)e.Epoch).ToArray();
            var ys = points.Select(e => e.Metric(s.Spec.Metric)).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.LineWidth = 1.5f;
            line.Color = trial.Status == TrialStatus.Pruned
                ? Colors.Gray.WithAlpha(0.6)
                : colormap.GetColor(trials.Count > 1 ? trials.IndexOf(trial) / (double)(trials.Count - 1) : 0.5);
            if (trial.Status == TrialStatus.Pruned)
            {
                var end = plot.Add.Marker(xs[^1], ys[^1], MarkerShape.Eks, 8);
                end.Color = Colors.Gray;
            }
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.XLabel("epoch");
        plot.YLabel($"validation {s.Spec.Metric}");
        return Titled(plot, s, "learning curves (grey ×: pruned)");
    }

    /// <summary>Slice plot (Optuna's plot_slice): the value against one parameter, one trial a point; completed trials
    /// colored from early (dark) to late (bright), pruned ones as grey rings at the value they were stopped with. A
    /// parameter the space samples on a log range, or values spanning over 100×, read on a log axis.</summary>
    public static ScottPlot.Plot Slice(StudySnapshot s, string parameter)
    {
        var scored = Scored(s).Where(t => t.Params.ContainsKey(parameter)).OrderBy(t => t.Number).ToList();
        var plot = new ScottPlot.Plot();
        var colormap = new ScottPlot.Colormaps.Viridis();
        var choices = scored.Select(t => t.Params[parameter].Choice).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var numbers = scored.Where(t => t.Params[parameter].Choice is null).Select(t => t.Params[parameter].Number).ToList();
        var declaredLog = SearchSpace.ForStudy(s.Spec.Space) is var space && space.Contains(parameter) && space[parameter] is NumericDistribution { Log: true };
        var logAxis = choices.Count == 0 && numbers.Count > 0 && numbers.Min() > 0 && (declaredLog || numbers.Count > 1 && numbers.Max() / numbers.Min() > 100);
        for (var i = 0; i < scored.Count; i++)
        {
            var setting = scored[i].Params[parameter];
            var x = setting.Choice is { } c ? choices.IndexOf(c) : logAxis ? Math.Log10(setting.Number) : setting.Number;
            var pruned = scored[i].Status == TrialStatus.Pruned;
            var marker = plot.Add.Marker(x, scored[i].Value!.Value, pruned ? MarkerShape.OpenCircle : MarkerShape.FilledCircle, 7);
            marker.Color = pruned ? Colors.Gray : colormap.GetColor(scored.Count > 1 ? i / (double)(scored.Count - 1) : 0.5);
        }
        if (choices.Count > 0)
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(choices.Select((c, i) => new Tick(i, c)).ToArray());
        else if (logAxis)
            plot.Axes.Bottom.TickGenerator = LogTicks.For(Math.Log10(numbers.Min()), Math.Log10(numbers.Max()));
        plot.XLabel(logAxis ? $"{parameter} (log scale)" : parameter);
        plot.YLabel(s.Spec.Metric);
        return Titled(plot, s, $"slice of {parameter} (dark: early trials, bright: late; grey rings: pruned)");
    }

    /// <summary>Parallel coordinates: one axis per parameter (scaled to its range), one line per trial colored by value.</summary>
    public static ScottPlot.Plot Parallel(StudySnapshot s)
    {
        var scored = Scored(s).ToList();
        var names = scored.SelectMany(t => t.Params.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var plot = new ScottPlot.Plot();
        if (scored.Count == 0) return Titled(plot, s, "parallel coordinates");
        var scale = names.Select(n => Scaler(scored, n)).ToList();
        var values = scored.Select(t => t.Value!.Value).ToList();
        double lo = values.Min(), hi = values.Max();
        var colormap = new ScottPlot.Colormaps.Viridis();
        foreach (var trial in scored)
        {
            var xs = Enumerable.Range(0, names.Count + 1).Select(i => (double)i).ToArray();
            var ys = names.Select((n, i) => trial.Params.TryGetValue(n, out var p) ? scale[i](p) : double.NaN)
                .Append(hi > lo ? (trial.Value!.Value - lo) / (hi - lo) : 0.5).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            var fraction = hi > lo ? (trial.Value!.Value - lo) / (hi - lo) : 0.5;
            if (s.Spec.Direction == OptimizationDirection.Minimize) fraction = 1 - fraction;
            line.Color = colormap.GetColor(fraction);
            line.LineWidth = 1.5f;
        }
        var ticks = names.Append(s.Spec.Metric).Select((n, i) => new Tick(i, n)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.YLabel("position in range (bright: better)");
        return Titled(plot, s, "parallel coordinates");
    }

    /// <summary>fANOVA importance of each parameter (<see cref="StudyImportance"/>), most important on top.</summary>
    public static ScottPlot.Plot Importance(StudySnapshot s, IReadOnlyList<ParameterImportance> importances)
    {
        var plot = new ScottPlot.Plot();
        var bottomUp = importances.Reverse().ToList();
        var bars = plot.Add.Bars(bottomUp.Select(r => r.Importance).ToArray());
        bars.Horizontal = true;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(bottomUp.Select((r, i) => new Tick(i, r.Name)).ToArray());
        plot.XLabel("fANOVA importance (share of the parameters' main effects)");
        var explained = importances.Sum(r => r.MainEffect);
        return Titled(plot, s, $"parameter importance ({StudyImportance.Completed(s).Count} completed trials; main effects explain {explained:P0} of the variance)");
    }

    private static ScottPlot.Plot Titled(ScottPlot.Plot plot, StudySnapshot s, string what)
    {
        plot.Title($"{s.Spec.Name}: {what}");
        return plot;
    }

    private static IEnumerable<TrialRecord> Scored(StudySnapshot s) =>
        s.Trials.Where(t => t.Value is { } v && double.IsFinite(v) && t.Status is TrialStatus.Completed or TrialStatus.Pruned);

    /// <summary>Maps a parameter's values into [0, 1]: numbers by min–max over the trials, choices by their sorted index.</summary>
    private static Func<ParamSetting, double> Scaler(IReadOnlyList<TrialRecord> trials, string name)
    {
        var present = trials.Where(t => t.Params.ContainsKey(name)).Select(t => t.Params[name]).ToList();
        if (present.Any(p => p.Choice is not null))
        {
            var choices = present.Select(p => p.Choice ?? "").Distinct().Order(StringComparer.Ordinal).ToList();
            return p => choices.Count > 1 ? choices.IndexOf(p.Choice ?? "") / (double)(choices.Count - 1) : 0.5;
        }
        double lo = present.Min(p => p.Number), hi = present.Max(p => p.Number);
        return p => hi > lo ? (p.Number - lo) / (hi - lo) : 0.5;
    }
}
