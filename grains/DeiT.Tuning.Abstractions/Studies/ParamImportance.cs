using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Abstractions.Studies;

/// <summary>
/// Correlation-based parameter importance over the trials with a value: |Spearman ρ| between a numeric
/// parameter and the objective; for a categorical one the correlation ratio η (√ of the share of the objective's
/// variance explained by the category means). Scores are normalized to sum to 1. A screening aid, cheaper and
/// cruder than fANOVA: it sees monotone effects of one parameter at a time, not interactions.
/// </summary>
public static class ParamImportance
{
    public static IReadOnlyList<(string Name, double Score)> Compute(IReadOnlyList<TrialRecord> trials)
    {
        var scored = trials.Where(t => t.Value is { } v && double.IsFinite(v)).ToList();
        var names = scored.SelectMany(t => t.Params.Keys).Distinct().Order(StringComparer.Ordinal);
        var raw = new List<(string Name, double Score)>();
        foreach (var name in names)
        {
            var rows = scored.Where(t => t.Params.ContainsKey(name)).ToList();
            if (rows.Count < 3) continue;
            var y = rows.Select(t => t.Value!.Value).ToArray();
            var categorical = rows.Any(t => t.Params[name].Choice is not null);
            var score = categorical
                ? CorrelationRatio(rows.Select(t => t.Params[name].Choice ?? "").ToArray(), y)
                : Math.Abs(Spearman(rows.Select(t => t.Params[name].Number).ToArray(), y));
            raw.Add((name, double.IsFinite(score) ? score : 0));
        }
        var total = raw.Sum(r => r.Score);
        return raw.Select(r => (r.Name, total > 0 ? r.Score / total : 0)).OrderByDescending(r => r.Item2).ToList();
    }

    public static double Spearman(double[] x, double[] y) => Pearson(Ranks(x), Ranks(y));

    public static double CorrelationRatio(string[] groups, double[] y)
    {
        var mean = y.Average();
        var total = y.Sum(v => (v - mean) * (v - mean));
        if (total == 0) return 0;
        var between = groups.Zip(y).GroupBy(p => p.First)
            .Sum(g => g.Count() * Math.Pow(g.Average(p => p.Second) - mean, 2));
        return Math.Sqrt(between / total);
    }

    private static double Pearson(double[] a, double[] b)
    {
        var ma = a.Average();
        var mb = b.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>Average ranks (ties share the mean of their positions), as Spearman's ρ needs.</summary>
    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            for (var k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        return ranks;
    }
}
