using DeiT.Tuning.Search;
using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Training.Augment;

namespace DeiT.Tuning.Grains.Studies;

/// <summary>
/// Fits a DeiT search space to what the trainer can use: ranges that reach values the trainer treats like a smaller
/// one are capped (with a warning saying why), and ranges it cannot train with at all are refused naming the fix.
/// </summary>
public static class DeitSpaceFit
{
    public sealed record Result(SearchSpace Space, IReadOnlyList<string> Warnings)
    {
        public bool Changed => Warnings.Count > 0;
    }

    /// <summary>Highest value each parameter can take at all; beyond it the recipe is invalid, not just wasteful.</summary>
    private static readonly Dictionary<string, (double Max, bool Inclusive, string Why)> Limits = new(StringComparer.Ordinal)
    {
        ["mixup_switch_prob"] = (1, true, "a probability"),
        ["erasing_prob"] = (1, true, "a probability"),
        ["drop_path"] = (1, false, "a drop probability below 1"),
        ["label_smoothing"] = (1, false, "a smoothing below 1"),
        ["distillation_alpha"] = (1, true, "a weight in [0, 1]"),
    };

    public static Result Fit(SearchSpace space, int epochs)
    {
        var warnings = new List<string>();
        var fitted = new List<Distribution>();
        foreach (var p in space.Parameters)
        {
            if (p is NumericDistribution n && Limits.TryGetValue(p.Name, out var limit)
                && (n.High > limit.Max || (!limit.Inclusive && n.High >= limit.Max) || n.Low < 0))
                throw new ArgumentException(
                    $"space parameter '{p.Name}' ranges over {n.DomainText} but is {limit.Why}; set low ≥ 0 and high {(limit.Inclusive ? "≤" : "<")} {limit.Max}");
            var kept = p.Name switch
            {
                // The cosine schedule's warmup has to end before the last epoch, or the trial never trains at full rate.
                "warmup_epochs" => Cap(p, epochs - 1, $"trials run {epochs} epochs and warmup must end before the last one", warnings),
                "randaug_magnitude" => Cap(p, RandAugmentOps.LevelDenominator, "RandAugment clips magnitudes at 10 (timm), so higher values act as 10", warnings),
                _ => p,
            };
            if (kept is not null) fitted.Add(kept);
        }
        if (fitted.Count == 0)
            throw new ArgumentException("no parameter of the space is left once fitted to the trials' epochs; raise --epochs or widen the space");
        return new Result(warnings.Count == 0 ? space : new SearchSpace(fitted), warnings);
    }

    /// <summary>The parameter with its high end lowered to <paramref name="cap"/>; null (dropped) when no range is left.</summary>
    private static Distribution? Cap(Distribution p, double cap, string why, List<string> warnings)
    {
        if (p is not NumericDistribution n || n.High <= cap) return p;
        if (n.Low >= cap)
        {
            warnings.Add($"'{p.Name}' {n.DomainText} dropped from the space: {why} (the trials use {Fmt(cap)} at most)");
            return null;
        }
        var capped = n with { High = cap };
        if (capped.Default is { } d && d.Number > cap) capped = capped with { Default = ParamValue.Of(cap) };
        warnings.Add($"'{p.Name}' {n.DomainText} capped to {capped.DomainText}: {why}");
        return capped;
    }

    private static string Fmt(double x) => x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
