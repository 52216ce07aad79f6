using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Random;

namespace DeiT.Tuning.Search.Importance;

/// <summary>A parameter's importance: <see cref="Importance"/> is its main effect normalized so that the parameters'
/// importances sum to 1 (Optuna's figure); <see cref="MainEffect"/> the share of the objective's variance it explains
/// alone, averaged over the forest's trees (what the normalization leaves to interactions is 1 − Σ main effects), and
/// <see cref="MainEffectStd"/> its spread over the trees.</summary>
public sealed record ParameterImportance(string Name, double Importance, double MainEffect, double MainEffectStd);

/// <summary>Forest settings; the defaults are Optuna's FanovaImportanceEvaluator's (64 trees of depth at most 64).</summary>
public sealed record FanovaOptions
{
    public int Trees { get; init; } = 64;
    public int MaxDepth { get; init; } = 64;
    /// <summary>Draw every tree's bootstrap sample; false: every tree sees every trial once (for reference checks).</summary>
    public bool Bootstrap { get; init; } = true;
    public long Seed { get; init; }
}

/// <summary>
/// fANOVA parameter importance (Hutter, Hoos and Leyton-Brown, ICML 2014), as Optuna's default importance evaluator:
/// a random forest is fitted to the finished trials' values, and each parameter's importance is the fraction of the
/// forest's predicted variance over the search space that the parameter explains on its own. Unlike a correlation it
/// sees non-monotone effects (a learning rate best in the middle of its range). Parameters are encoded as the space
/// defines them: log ranges in log space (as the original fANOVA over ConfigSpace; Optuna 3.1 uses raw values), grids
/// widened by half a cell each side, categorical parameters split natively with every choice weighted equally.
/// </summary>
public static class FanovaImportance
{
    /// <summary>Importances of the space's parameters that every usable trial has, most important first. Trials with a
    /// non-finite value, or whose unconditional parameters are missing or outside the space, are left out. Empty when
    /// fewer than two trials remain or the forest predicts the same value everywhere.</summary>
    public static IReadOnlyList<ParameterImportance> Evaluate(SearchSpace space,
        IEnumerable<(IReadOnlyDictionary<string, ParamValue> Params, double Value)> trials, FanovaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        options ??= new FanovaOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Trees, 1);
        var candidates = space.Parameters.Where(p => p is NumericDistribution || p is CategoricalDistribution { Choices.Count: > 1 }).ToList();
        var usable = trials.Where(t => double.IsFinite(t.Value)
            && candidates.All(p => p.When is not null || t.Params.TryGetValue(p.Name, out var v) && p.Contains(v))).ToList();
        var parameters = candidates.Where(p => usable.All(t => t.Params.TryGetValue(p.Name, out var v) && p.Contains(v))).ToList();
        if (usable.Count < 2 || parameters.Count == 0) return [];

        var features = parameters.Select(Feature).ToList();
        var x = usable.Select(t => parameters.Select(p => Encode(p, t.Params[p.Name])).ToArray()).ToArray();
        var y = usable.Select(t => t.Value).ToArray();
        var trees = Forest(features, x, y, options).Where(t => t.TotalVariance > 0).ToList();
        if (trees.Count == 0) return [];

        var fractions = parameters.Select((_, f) => trees.Select(t => Share(t.MainEffectVariance(f), t.TotalVariance)).ToArray()).ToList();
        var means = fractions.Select(v => v.Average()).ToList();
        var sum = means.Sum();
        return parameters.Select((p, f) => new ParameterImportance(p.Name, sum > 0 ? means[f] / sum : 0, means[f], Std(fractions[f])))
            .OrderByDescending(r => r.Importance).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    static IEnumerable<FanovaTree> Forest(List<TreeFeature> features, double[][] x, double[] y, FanovaOptions options)
    {
        var n = y.Length;
        for (var t = 0; t < options.Trees; t++)
        {
            var rng = Rng.Derive(options.Seed, t);
            var weights = new double[n];
            if (options.Bootstrap)
                for (var i = 0; i < n; i++) weights[rng.NextInt(n)]++;
            else Array.Fill(weights, 1.0);
            yield return new FanovaTree(RegressionTree.Fit(features, x, y, weights, options.MaxDepth, rng));
        }
    }

    /// <summary>A main effect's share of the tree's variance; what is left of a parameter the tree never splits on after
    /// rounding (1e-30 and the like) is none.</summary>
    static double Share(double mainEffect, double total) => mainEffect / total is var share && share > 1e-12 ? share : 0;

    static TreeFeature Feature(Distribution parameter) => parameter switch
    {
        NumericDistribution numeric => TreeFeature.Numeric(numeric.WarpedBounds.Low, numeric.WarpedBounds.High),
        CategoricalDistribution categorical => TreeFeature.Categorical(categorical.Choices.Count),
        _ => throw new ArgumentException($"parameter '{parameter.Name}' has a domain fANOVA cannot encode", nameof(parameter)),
    };

    static double Encode(Distribution parameter, ParamValue value) => parameter switch
    {
        NumericDistribution numeric => numeric.Warp(value.Number),
        CategoricalDistribution categorical => categorical.IndexOf(value),
        _ => throw new ArgumentException($"parameter '{parameter.Name}' has a domain fANOVA cannot encode", nameof(parameter)),
    };

    static double Std(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }
}
