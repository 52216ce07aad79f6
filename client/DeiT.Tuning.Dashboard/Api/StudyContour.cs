using System.Globalization;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Search.Distributions;

namespace DeiT.Tuning.Dashboard.Api;

/// <summary>One axis of a contour: positions are plotted coordinates (log10 of the value on a log range, the index
/// of a choice in <see cref="Choices"/>), <see cref="Grid"/> the 100 grid points over them.</summary>
public sealed record ContourAxisDocument(string Param, bool Log, IReadOnlyList<string> Choices, double[] Grid);

public sealed record ContourPointDocument(int Trial, double X, double Y, double Value);

/// <summary>The interpolated values, <see cref="Z"/>[y index][x index], and the completed trials they come from.</summary>
public sealed record ContourDocument(ContourAxisDocument X, ContourAxisDocument Y, double[][] Z, IReadOnlyList<ContourPointDocument> Trials);

/// <summary>Why a contour cannot be drawn: <see cref="BadParams"/> when the parameters asked for are wrong, else the
/// study does not have the completed trials yet.</summary>
public sealed class ContourException(string message, bool badParams) : Exception(message)
{
    public bool BadParams { get; } = badParams;
}

/// <summary>
/// A study's contour (Optuna's plot_contour) over two parameters, from its completed trials, for the dashboard and
/// `deit-tune plot contour`. Without parameters: the two that fANOVA ranks highest. Axes follow the study's space:
/// log ranges in log10, choices at their sorted positions.
/// </summary>
public static class StudyContour
{
    public static ContourDocument Of(StudySnapshot s, string? xName = null, string? yName = null)
    {
        var completed = StudyImportance.Completed(s);
        var known = completed.SelectMany(t => t.Params.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        if (xName is null || yName is null)
            (xName, yName) = Default(s, known);
        if (xName == yName) throw new ContourException($"give two different parameters (both are '{xName}')", badParams: true);
        foreach (var name in new[] { xName, yName })
            if (!known.Contains(name))
                throw new ContourException($"no completed trial of study {s.Spec.Name} has '{name}'; its parameters: {string.Join(", ", known)}", badParams: true);

        var trials = completed.Where(t => t.Params.ContainsKey(xName) && t.Params.ContainsKey(yName)).OrderBy(t => t.Number).ToList();
        var space = SearchSpace.ForStudy(s.Spec.Space);
        var (x, xs) = Axis(s, trials, xName, space);
        var (y, ys) = Axis(s, trials, yName, space);
        var points = trials.Select((t, i) => new ContourPointDocument(t.Number, xs[i], ys[i], t.Value!.Value)).ToList();
        var grid = ContourGrid.Interpolate(points.Select(p => (p.X, p.Y, p.Value)).ToList(), x.Grid, y.Grid);
        var z = Enumerable.Range(0, y.Grid.Length).Select(j => Enumerable.Range(0, x.Grid.Length).Select(i => grid[j, i]).ToArray()).ToArray();
        return new ContourDocument(x, y, z, points);
    }

    private static (string, string) Default(StudySnapshot s, IReadOnlyList<string> known)
    {
        var ranked = StudyImportance.Of(s).Select(r => r.Name).ToList();
        if (ranked.Count < 2) ranked = known.ToList();
        if (ranked.Count < 2)
            throw new ContourException($"a contour needs two parameters; the completed trials of study {s.Spec.Name} have {ranked.Count}", badParams: false);
        return (ranked[0], ranked[1]);
    }

    private static (ContourAxisDocument Axis, double[] Positions) Axis(StudySnapshot s, IReadOnlyList<TrialRecord> trials, string name, SearchSpace space)
    {
        var settings = trials.Select(t => t.Params[name]).ToList();
        var distribution = space.Contains(name) ? space[name] : null;
        if (distribution is CategoricalDistribution || settings.Any(p => p.Choice is not null))
        {
            var choices = settings.Select(p => p.Choice ?? p.Number.ToString(CultureInfo.InvariantCulture)).ToList();
            var labels = choices.Distinct().Order(StringComparer.Ordinal).ToList();
            Require(s, name, labels.Count);
            return (new ContourAxisDocument(name, false, labels, ContourGrid.Axis([], labels.Count)), choices.Select(c => (double)labels.IndexOf(c)).ToArray());
        }
        var log = distribution is NumericDistribution { Log: true };
        var positions = settings.Select(p => log ? Math.Log10(p.Number) : p.Number).ToArray();
        Require(s, name, positions.Distinct().Count());
        return (new ContourAxisDocument(name, log, [], ContourGrid.Axis(positions)), positions);
    }

    private static void Require(StudySnapshot s, string name, int distinct)
    {
        if (distinct < 2)
            throw new ContourException($"a contour needs completed trials with at least two values of '{name}'; study {s.Spec.Name} has {distinct}", badParams: false);
    }
}
