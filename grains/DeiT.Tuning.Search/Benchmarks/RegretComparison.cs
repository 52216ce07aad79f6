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
/// One sampler with asynchronous workers against itself run sequentially, over the (function, budget) cells both ran:
/// how many cells are within <see cref="RegretComparison.ParallelTolerance"/> of sequential, and the geometric mean ratio.
/// </summary>
public sealed record ParallelQuality(string Sampler, int Workers, int Cells, int WithinTolerance, double GeometricMeanRatio);

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

    public static IReadOnlyList<ParallelQuality> Parallel(IReadOnlyList<RegretResult> regrets)
    {
        var sequential = regrets.Where(r => r.Workers == 1).ToDictionary(r => (r.Function, r.Sampler, r.Trials), r => r.Median);
        return regrets
            .Where(r => r.Workers > 1 && sequential.ContainsKey((r.Function, r.Sampler, r.Trials)))
            .GroupBy(r => (r.Sampler, r.Workers))
            .Select(g =>
            {
                var ratios = g.Select(r => Ratio(r.Median, sequential[(r.Function, r.Sampler, r.Trials)])).ToList();
                return new ParallelQuality(g.Key.Sampler, g.Key.Workers, ratios.Count, ratios.Count(x => x <= ParallelTolerance),
                    Math.Exp(ratios.Average(Math.Log)));
            })
            .ToList();
    }

    public static IReadOnlyList<GeometricMeanRatio> GeometricMeans(IReadOnlyList<ComparisonRow> rows)
    {
        var compared = rows.Where(r => r.PeerBest is not null).ToList();
        var byBudget = compared.GroupBy(r => (r.Sampler, r.Trials)).Select(g => Summarize(g.Key.Sampler, g.Key.Trials, g.ToList()));
        var overall = compared.GroupBy(r => r.Sampler).Select(g => Summarize(g.Key, 0, g.ToList()));
        return byBudget.Concat(overall).ToList();
    }

    private static GeometricMeanRatio Summarize(string sampler, int trials, List<ComparisonRow> rows)
    {
        static double Geo(IEnumerable<double> xs) => Math.Exp(xs.Average(Math.Log));
        var tpe = rows.Where(r => r.RatioToPeerTpe is not null).Select(r => r.RatioToPeerTpe!.Value).ToList();
        return new GeometricMeanRatio(sampler, trials, Geo(rows.Select(r => r.RatioToPeerBest!.Value)), tpe.Count > 0 ? Geo(tpe) : null, rows.Count);
    }
}
