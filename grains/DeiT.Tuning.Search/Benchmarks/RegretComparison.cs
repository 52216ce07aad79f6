namespace DeiT.Tuning.Search.Benchmarks;

/// <summary>Our median regret on one (function, budget) beside the peer's TPE and the peer's best sampler there.</summary>
public sealed record ComparisonRow(
    string Function, int Trials, string Sampler, double Median, double? PeerTpe, string? PeerBestSampler, double? PeerBest)
{
    public double? RatioToPeerTpe => PeerTpe is { } t ? RegretComparison.Ratio(Median, t) : null;
    public double? RatioToPeerBest => PeerBest is { } b ? RegretComparison.Ratio(Median, b) : null;
}

/// <summary>Geometric mean over functions of one sampler's ratio to the peer's best sampler, at one budget (0: all budgets).</summary>
public sealed record GeometricMeanRatio(string Sampler, int Trials, double ToPeerBest, double? ToPeerTpe, int Functions);

/// <summary>
/// One (function, budget) of a sampler run with asynchronous workers beside the same sampler run sequentially:
/// both median regrets at the budget, and after how many finished trials the parallel run's median regret reached the
/// sequential one's (null: not within the run).
/// </summary>
public sealed record ParallelCell(string Function, string Sampler, int Trials, int Workers, double Median, double SequentialMedian, int? TrialsToMatch)
{
    public double Ratio => RegretComparison.Ratio(Median, SequentialMedian);

    /// <summary>
    /// How much sooner, in wall-clock time, the workers reach the sequential run's regret at the budget when trials
    /// take the same time on average: w workers finish n trials in the time one finishes n/w.
    /// </summary>
    public double? Speedup => TrialsToMatch is { } n ? (double)Workers * Trials / n : null;
}

/// <summary>
/// One sampler with asynchronous workers against itself run sequentially, over the (function, budget) cells both ran:
/// how many cells are within <see cref="RegretComparison.ParallelTolerance"/> of sequential, the geometric mean ratio,
/// and the geometric mean <see cref="ParallelCell.Speedup"/> over the <paramref name="Matched"/> cells that reached the
/// sequential regret within the run.
/// </summary>
public sealed record ParallelQuality(
    string Sampler, int Workers, int Cells, int WithinTolerance, double GeometricMeanRatio, int Matched, double? GeometricMeanSpeedup);

public static class RegretComparison
{
    /// <summary>Regrets below this count as solved: ratios between two solved runs are 1, not 0/0 noise.</summary>
    public const double SolvedRegret = 1e-6;

    public const string PeerTpe = "optuna-tpe";

    public static double Ratio(double ours, double peer) => Math.Max(ours, SolvedRegret) / Math.Max(peer, SolvedRegret);

    public static IReadOnlyList<ComparisonRow> Rows(IEnumerable<RegretResult> ours, IReadOnlyList<PeerFigure> peers) =>
        ours.Select(r =>
        {
            var here = peers.Where(p => p.Function == r.Function && p.Trials == r.Trials).ToList();
            var tpe = here.FirstOrDefault(p => p.Sampler == PeerTpe);
            var best = here.MinBy(p => p.MedianRegret);
            return new ComparisonRow(r.Function, r.Trials, r.Sampler, r.Median, tpe?.MedianRegret, best?.Sampler, best?.MedianRegret);
        }).ToList();

    /// <summary>The goal for parallel suggestions: regret with workers at most 1.3× the sequential regret.</summary>
    public const double ParallelTolerance = 1.3;

    /// <summary>Each run with workers beside the sequential run of the same function and sampler, at each budget.</summary>
    public static IReadOnlyList<ParallelCell> ParallelCells(IReadOnlyList<RegretCurves> runs, IReadOnlyList<int> budgets)
    {
        var sequential = runs.Where(r => r.Workers == 1).ToDictionary(r => (r.Function, r.Sampler));
        return runs
            .Where(r => r.Workers > 1 && sequential.ContainsKey((r.Function, r.Sampler)))
            .SelectMany(r => budgets.Select(b =>
            {
                var target = sequential[(r.Function, r.Sampler)].MedianAt(b);
                return new ParallelCell(r.Function, r.Sampler, b, r.Workers, r.MedianAt(b), target, r.TrialsToReach(target));
            }))
            .ToList();
    }

    public static IReadOnlyList<ParallelQuality> Parallel(IReadOnlyList<ParallelCell> cells) =>
        cells.GroupBy(c => (c.Sampler, c.Workers))
            .Select(g =>
            {
                var ratios = g.Select(c => c.Ratio).ToList();
                var speedups = g.Where(c => c.Speedup is not null).Select(c => c.Speedup!.Value).ToList();
                return new ParallelQuality(g.Key.Sampler, g.Key.Workers, ratios.Count, ratios.Count(x => x <= ParallelTolerance),
                    Geo(ratios), speedups.Count, speedups.Count > 0 ? Geo(speedups) : null);
            })
            .ToList();

    public static IReadOnlyList<GeometricMeanRatio> GeometricMeans(IReadOnlyList<ComparisonRow> rows)
    {
        var compared = rows.Where(r => r.PeerBest is not null).ToList();
        var byBudget = compared.GroupBy(r => (r.Sampler, r.Trials)).Select(g => Summarize(g.Key.Sampler, g.Key.Trials, g.ToList()));
        var overall = compared.GroupBy(r => r.Sampler).Select(g => Summarize(g.Key, 0, g.ToList()));
        return byBudget.Concat(overall).ToList();
    }

    private static double Geo(IEnumerable<double> xs) => Math.Exp(xs.Average(Math.Log));

    private static GeometricMeanRatio Summarize(string sampler, int trials, List<ComparisonRow> rows)
    {
        var tpe = rows.Where(r => r.RatioToPeerTpe is not null).Select(r => r.RatioToPeerTpe!.Value).ToList();
        return new GeometricMeanRatio(sampler, trials, Geo(rows.Select(r => r.RatioToPeerBest!.Value)), tpe.Count > 0 ? Geo(tpe) : null, rows.Count);
    }
}
