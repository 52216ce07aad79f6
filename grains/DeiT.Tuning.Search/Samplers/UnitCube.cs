using DeiT.Tuning.Search.Distributions;

namespace DeiT.Tuning.Search.Samplers;

/// <summary>Maps one coordinate in [0, 1) to a parameter value: numeric ranges by their warp, categoricals by equal cells.</summary>
internal static class UnitCube
{
    public static ParamValue Decode(Distribution distribution, double u) => distribution switch
    {
        NumericDistribution n => ParamValue.Of(n.FromUnit(u)),
        CategoricalDistribution c => ParamValue.Of(c.Choices[Math.Min((int)(u * c.Choices.Count), c.Choices.Count - 1)]),
        _ => throw new NotSupportedException(distribution.GetType().Name),
    };

    /// <summary>Assigns the space's parameters in declaration order from one coordinate per parameter, skipping inactive ones.</summary>
    public static Dictionary<string, ParamValue> Assign(SearchSpace space, Func<int, double> coordinate)
    {
        var assignment = new Dictionary<string, ParamValue>();
        for (var i = 0; i < space.Parameters.Count; i++)
        {
            var p = space.Parameters[i];
            if (space.IsActive(p, assignment)) assignment[p.Name] = Decode(p, coordinate(i));
        }
        return assignment;
    }
}
