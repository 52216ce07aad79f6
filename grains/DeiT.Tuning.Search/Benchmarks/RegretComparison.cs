namespace DeiT.Tuning.Search.Benchmarks;

/// <summary>Our median regret on one (function, budget, workers) beside the peer's TPE and the peer's best sampler there.</summary>
public sealed record ComparisonRow(
    string Function, int Trials, int Workers, string Sampler, double Median, double? PeerTpe, string? PeerBestSampler, double? PeerBest)
{
    public double? RatioToPeerTpe => PeerTpe is { } t ? RegretComparison.Ratio(Median, t) : null;
    public double? RatioToPeerBest => PeerBest is { } b ? RegretComparison.Ratio(Median, b) : null;
}

/// <summary>
/// Geometric mean over functions of one sampler's ratio to the peer's best sampler with as many workers, at one budget
/// (0: all budgets).
/// </summary>
public sealed record GeometricMeanRatio(string Sampler, int Trials, int Workers, double ToPeerBest, double? ToPeerTpe, int Functions);

/// <summary>
/// One (function, budget) of a sampler run with asynchronous workers beside the same sampler run sequentially:
/// both median regrets at the budget, after how many finished trials the parallel run's median regret reached the
/// sequential one's (null: not within the run or not known), and the sequential run's median regret w−1 trials before
/// the budget (null: not known).
/// </summary>
public sealed record ParallelCell(
    string Function, string Sampler, int Trials, int Workers, double Median, double SequentialMedian, int? TrialsToMatch,
    double? SequentialLagged = null)
{
    public double Ratio => RegretComparison.Ratio(Median, SequentialMedian);

    /// <summary>Whether the cell comes from regret curves (ours), not from a peer's figures at the budgets alone.</summary>
    public bool FromCurves => SequentialLagged is not null;

    /// <summary>
    /// How much the sequential run still gains over its last w−1 trials before the budget: its regret then over its
    /// regret at the budget. With w workers the last trials up to the budget were chosen knowing about w−1 fewer
    /// results; where this exceeds the tolerance, the workers meet it only by choosing better with fewer results than
    /// the sequential run does with all of them (a sampler that ignores results, like random, loses nothing).
    /// </summary>
    public double? LagRatio => SequentialLagged is { } earlier ? RegretComparison.Ratio(earlier, SequentialMedian) : null;

    /// <summary>
    /// How much sooner, in wall-clock time, the workers reach the sequential run's regret at the budget when trials
    /// take the same time on average: w workers finish n trials in the time one finishes n/w.
    /// </summary>
    public double? Speedup => TrialsToMatch is { } n ? (double)Workers * Trials / n : null;
}

/// <summary>
/// One sampler with asynchronous workers against itself run sequentially, over the (function, budget) cells both ran:
/// how many cells are within <see cref="RegretComparison.ParallelTolerance"/> of sequential, the geometric mean ratio,
/// the geometric mean <see cref="ParallelCell.Speedup"/> over the <paramref name="Matched"/> cells that reached the
/// sequential regret within the run, and in how many cells the sequential run's own <see cref="ParallelCell.LagRatio"/>
/// is within the tolerance. The last three are null for a peer's figures, which have no curves.
/// </summary>
public sealed record ParallelQuality(
    string Sampler, int Workers, int Cells, int WithinTolerance, double GeometricMeanRatio, int? Matched, double? GeometricMeanSpeedup,
    int? LagWithinTolerance);

public static class RegretComparison
{
    /// <summary>Regrets below this count as solved: ratios between two solved runs are 1, not 0/0 noise.</summary>
    public const double SolvedRegret = 1e-6;

    public const string PeerTpe = "optuna-tpe";

    public static double Ratio(double ours, double peer) => Math.Max(ours, SolvedRegret) / Math.Max(peer, SolvedRegret);

    public static IReadOnlyList<ComparisonRow> Rows(IEnumerable<RegretResult> ours, IReadOnlyList<PeerFigure> peers) =>
        ours.Select(r =>
        {
            var here = peers.Where(p => p.Function == r.Function && p.Trials == r.Trials && p.Workers == r.Workers).ToList();
            var tpe = here.FirstOrDefault(p => p.Sampler == PeerTpe);
            var best = here.MinBy(p => p.MedianRegret);
            return new ComparisonRow(r.Function, r.Trials, r.Workers, r.Sampler, r.Median, tpe?.MedianRegret, best?.Sampler, best?.MedianRegret);
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
                var alone = sequential[(r.Function, r.Sampler)];
                var target = alone.MedianAt(b);
                return new ParallelCell(r.Function, r.Sampler, b, r.Workers, r.MedianAt(b), target, r.TrialsToReach(target),
                    alone.MedianAt(Math.Max(1, b - r.Workers + 1)));
            }))
            .ToList();
    }

    /// <summary>The peer's own runs with workers beside its sequential runs (optuna_suite_parallel.py's lines), per cell.</summary>
    public static IReadOnlyList<ParallelCell> PeerParallelCells(IReadOnlyList<PeerFigure> peers)
    {
        var sequential = peers.Where(p => p.Workers == 1)
            .GroupBy(p => (p.Function, p.Sampler, p.Trials))
            .ToDictionary(g => g.Key, g => g.First().MedianRegret);
        return peers
            .Where(p => p.Workers > 1)
            .SelectMany(p => sequential.TryGetValue((p.Function, p.Sampler, p.Trials), out var alone)
                ? [new ParallelCell(p.Function, p.Sampler, p.Trials, p.Workers, p.MedianRegret, alone, null)]
                : Array.Empty<ParallelCell>())
            .ToList();
    }

    public static IReadOnlyList<ParallelQuality> Parallel(IReadOnlyList<ParallelCell> cells) =>
        cells.GroupBy(c => (c.Sampler, c.Workers))
            .Select(g =>
            {
                var ratios = g.Select(c => c.Ratio).ToList();
                var speedups = g.Where(c => c.Speedup is not null).Select(c => c.Speedup!.Value).ToList();
                var fromCurves = g.All(c => c.FromCurves);
                return new ParallelQuality(g.Key.Sampler, g.Key.Workers, ratios.Count, ratios.Count(x => x <= ParallelTolerance),
                    Geo(ratios), fromCurves ? speedups.Count : null, speedups.Count > 0 ? Geo(speedups) : null,
                    fromCurves ? g.Count(c => c.LagRatio <= ParallelTolerance) : null);
            })
            .ToList();

    public static IReadOnlyList<GeometricMeanRatio> GeometricMeans(IReadOnlyList<ComparisonRow> rows)
    {
        var compared = rows.Where(r => r.PeerBest is not null).ToList();
        var byBudget = compared.GroupBy(r => (r.Sampler, r.Workers, r.Trials)).Select(g => Summarize(g.Key.Sampler, g.Key.Trials, g.Key.Workers, g.ToList()));
        var overall = compared.GroupBy(r => (r.Sampler, r.Workers)).Select(g => Summarize(g.Key.Sampler, 0, g.Key.Workers, g.ToList()));
        return byBudget.Concat(overall).ToList();
    }

    private static double Geo(IEnumerable<double> xs) => Math.Exp(xs.Average(Math.Log));

    private static GeometricMeanRatio Summarize(string sampler, int trials, int workers, List<ComparisonRow> rows)
    {
        var tpe = rows.Where(r => r.RatioToPeerTpe is not null).Select(r => r.RatioToPeerTpe!.Value).ToList();
        return new GeometricMeanRatio(sampler, trials, workers, Geo(rows.Select(r => r.RatioToPeerBest!.Value)), tpe.Count > 0 ? Geo(tpe) : null, rows.Count);
    }
}
