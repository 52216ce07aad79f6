using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>A trial's precision: the search parameter "precision" (categorical fp32|tf32|bf16|fp16) when the space
/// searches it, else the runner's setting, else the device's default. It is how a trial runs, not part of the recipe.</summary>
public static class PrecisionParameter
{
    public const string Name = "precision";

    public static Precision? Resolve(string? runnerPrecision, IReadOnlyDictionary<string, ParamSetting> parameters)
    {
        if (parameters.TryGetValue(Name, out var sampled))
            return PrecisionChoice.Parse(sampled.Choice ?? throw new ArgumentException($"search parameter '{Name}' must be categorical ({string.Join(", ", PrecisionChoice.Names)})"), Name);
        return runnerPrecision is null ? null : PrecisionChoice.Parse(runnerPrecision, "runner precision");
    }

    /// <summary>The parameters that set the recipe (all but <see cref="Name"/>).</summary>
    public static IReadOnlyDictionary<string, ParamSetting> RecipeOnly(IReadOnlyDictionary<string, ParamSetting> parameters) =>
        parameters.ContainsKey(Name) ? parameters.Where(p => p.Key != Name).ToDictionary() : parameters;
}
