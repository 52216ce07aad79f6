using DeiT.Tuning.Search.Distributions;

namespace DeiT.Tuning.Search.Gp;

/// <summary>
/// Maps configurations to GP inputs in the unit cube and back: a numeric parameter is one coordinate (log-warped,
/// grid values at their cell centres), a categorical one is one-hot over its choices. An inactive parameter
/// (condition not met) sits at a fixed point: 0.5, or all-zero one-hot. Decoding snaps: integers and steps round,
/// one-hot takes the largest coordinate; <see cref="Snap"/> = encode(decode(x)) is what the acquisition scores.
/// </summary>
internal sealed class UnitCubeEncoder
{
    private readonly SearchSpace _space;
    private readonly int[] _offsets;

    public UnitCubeEncoder(SearchSpace space)
    {
        _space = space;
        _offsets = new int[space.Parameters.Count];
        var offset = 0;
        for (var i = 0; i < space.Parameters.Count; i++)
        {
            _offsets[i] = offset;
            offset += Width(space.Parameters[i]);
        }
        Dimensions = offset;
        Continuous = new bool[offset];
        for (var i = 0; i < space.Parameters.Count; i++)
            if (space.Parameters[i] is NumericDistribution) Continuous[_offsets[i]] = true;
    }

    public int Dimensions { get; }

    /// <summary>Coordinates a gradient step may move (numeric parameters; one-hot blocks stay fixed).</summary>
    public bool[] Continuous { get; }

    public double[] Encode(IReadOnlyDictionary<string, ParamValue> assignment)
    {
        var x = new double[Dimensions];
        for (var i = 0; i < _space.Parameters.Count; i++)
        {
            var p = _space.Parameters[i];
            var has = assignment.TryGetValue(p.Name, out var value);
            switch (p)
            {
                case NumericDistribution n:
                    x[_offsets[i]] = has ? Math.Clamp(n.ToUnit(value.Number), 0, 1) : 0.5;
                    break;
                case CategoricalDistribution c when has:
                    var index = c.IndexOf(value);
                    if (index >= 0) x[_offsets[i] + index] = 1;
                    break;
            }
        }
        return x;
    }

    public Dictionary<string, ParamValue> Decode(double[] x)
    {
        var assignment = new Dictionary<string, ParamValue>();
        for (var i = 0; i < _space.Parameters.Count; i++)
        {
            var p = _space.Parameters[i];
            if (!_space.IsActive(p, assignment)) continue;
            var offset = _offsets[i];
            assignment[p.Name] = p switch
            {
                NumericDistribution n => ParamValue.Of(n.FromUnit(x[offset])),
                CategoricalDistribution c => ParamValue.Of(c.Choices[ArgMax(x, offset, c.Choices.Count)]),
                _ => throw new NotSupportedException(p.GetType().Name),
            };
        }
        return assignment;
    }

    public double[] Snap(double[] x) => Encode(Decode(x));

    /// <summary>A point from uniform coordinates: one per numeric parameter, and for a categorical one picks a choice.</summary>
    public double[] FromUniform(double[] u)
    {
        var x = new double[Dimensions];
        for (var i = 0; i < _space.Parameters.Count; i++)
        {
            var offset = _offsets[i];
            if (_space.Parameters[i] is CategoricalDistribution c)
                x[offset + Math.Min((int)(u[offset] * c.Choices.Count), c.Choices.Count - 1)] = 1;
            else x[offset] = u[offset];
        }
        return Snap(x);
    }

    private static int Width(Distribution p) => p is CategoricalDistribution c ? c.Choices.Count : 1;

    private static int ArgMax(double[] x, int offset, int count)
    {
        var best = 0;
        for (var k = 1; k < count; k++)
            if (x[offset + k] > x[offset + best]) best = k;
        return best;
    }
}
