using DeiT.Tuning.Search.Distributions;

namespace DeiT.Tuning.Search.Samplers;

/// <summary>
/// Suggests the next configuration from the finished and running trials. Running trials are in <c>trials</c> so a
/// sampler can treat them as pending points (constant liar). Deterministic for a seed and a history; its state
/// (RNG position and anything else it keeps) round-trips through <see cref="SaveState"/>/<see cref="LoadState"/>.
/// </summary>
public interface ISampler
{
    string Name { get; }
    IReadOnlyDictionary<string, ParamValue> Suggest(SearchSpace space, IReadOnlyList<FrozenTrial> trials, StudyDirection direction);
    string SaveState();
    void LoadState(string state);
}
