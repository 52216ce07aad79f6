using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Dashboard.Api;

namespace DeiT.Tuning.Cli.Commands.Plot;

/// <summary>One study's line: the share of its completed trials whose value is at most each x.</summary>
public sealed record EdfLine(string Study, int Completed, double[] Y);

/// <summary>The curves of Optuna's plot_edf over <see cref="X"/>.</summary>
public sealed record EdfCurves(double[] X, IReadOnlyList<EdfLine> Lines);

/// <summary>
/// Optuna's empirical distribution function plot, to compare studies (samplers, spaces, recipes): for each study the
/// share of its completed trials whose value is at most x, at 100 points from the lowest to the highest value of all
/// of them. A curve further right (for a metric to maximize) found better values more often.
/// </summary>
public static class EmpiricalDistribution
{
    public const int Points = 100;

    /// <summary>Null when no study has a completed trial with a finite value.</summary>
    public static EdfCurves? Of(IReadOnlyList<StudySnapshot> studies)
    {
        var values = studies.Select(s => s.Trials.Where(t => t.Status == TrialStatus.Completed && t.Value is { } v && double.IsFinite(v))
            .Select(t => t.Value!.Value).ToArray()).ToList();
        var all = values.SelectMany(v => v).ToList();
        if (all.Count == 0) return null;
        var x = NumpyLinspace.Of(all.Min(), all.Max(), Points);
        var lines = studies.Zip(values, (s, v) => new EdfLine(s.Spec.Name, v.Length,
            x.Select(point => v.Length == 0 ? double.NaN : v.Count(value => value <= point) / (double)v.Length).ToArray())).ToList();
        return new EdfCurves(x, lines);
    }
}
