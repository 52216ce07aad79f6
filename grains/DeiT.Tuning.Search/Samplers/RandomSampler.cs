using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Random;

namespace DeiT.Tuning.Search.Samplers;

/// <summary>Independent uniform sampling (log-uniform for log ranges); its state is the RNG position.</summary>
public sealed class RandomSampler(int seed) : ISampler
{
    private Rng _rng = new(seed);

    public string Name => "random";

    public IReadOnlyDictionary<string, ParamValue> Suggest(SearchSpace space, IReadOnlyList<FrozenTrial> trials, StudyDirection direction) =>
        UnitCube.Assign(space, _ => _rng.NextDouble());

    public string SaveState() => _rng.Save();

    public void LoadState(string state) => _rng = Rng.Load(state);
}
