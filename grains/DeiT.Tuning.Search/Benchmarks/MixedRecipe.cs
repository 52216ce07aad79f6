using DeiT.Tuning.Search.Distributions;

namespace DeiT.Tuning.Search.Benchmarks;

/// <summary>
/// The suite's mixed space, shaped like a training recipe: lr (log float), layers (int), an optimizer choice and
/// one conditional knob per optimizer. Minimum 0 at lr 1e-3, layers 6, optimizer adamw, beta2 0.98.
/// </summary>
internal static class MixedRecipe
{
    private static readonly SearchSpace Space = new(
    [
        new FloatDistribution("lr", 1e-5, 1e-1, Log: true),
        new IntDistribution("layers", 1, 12),
        new CategoricalDistribution("optimizer", ["adamw", "sgd", "lamb"]),
        new FloatDistribution("beta2", 0.9, 0.999) { When = new ParamCondition("optimizer", ["adamw"]) },
        new FloatDistribution("momentum", 0.0, 0.99) { When = new ParamCondition("optimizer", ["sgd"]) },
    ]);

    public static TestFunction Function { get; } = new("mixed", Space, 0.0, Evaluate);

    private static double Evaluate(IReadOnlyDictionary<string, ParamValue> p)
    {
        var v = 0.5 * Math.Pow(Math.Log10(p["lr"].Number) + 3, 2) + Math.Pow((p["layers"].Number - 6) / 4, 2);
        return v + p["optimizer"].Choice switch
        {
            "adamw" => 8 * Math.Pow(p["beta2"].Number - 0.98, 2),
            "sgd" => 0.3 + 2 * Math.Pow(p["momentum"].Number - 0.9, 2),
            _ => 0.6,
        };
    }
}
