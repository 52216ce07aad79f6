using System.Globalization;
using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Random;

namespace DeiT.Tuning.Search.Samplers;

/// <summary>
/// Scrambled Sobol quasi-random points, one coordinate per declared parameter (inactive ones are skipped, so
/// conditional spaces keep their low discrepancy on the always-active parameters). State: the next point's index.
/// </summary>
public sealed class SobolSampler(int seed) : ISampler
{
    private SobolSequence? _sequence;
    private long _index;

    public string Name => "sobol";

    public IReadOnlyDictionary<string, ParamValue> Suggest(SearchSpace space, IReadOnlyList<FrozenTrial> trials, StudyDirection direction)
    {
        if (_sequence is null || _sequence.Dimensions != space.Parameters.Count) _sequence = new SobolSequence(space.Parameters.Count, seed);
        var point = _sequence.Point(_index++);
        return UnitCube.Assign(space, i => point[i]);
    }

    public string SaveState() => _index.ToString(CultureInfo.InvariantCulture);

    public void LoadState(string state) => _index = long.Parse(state, CultureInfo.InvariantCulture);
}
