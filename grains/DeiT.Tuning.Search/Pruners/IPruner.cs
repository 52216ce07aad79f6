namespace DeiT.Tuning.Search.Pruners;

/// <summary>Decides, after a trial reports an intermediate value at a step (epoch), whether to stop it.</summary>
public interface IPruner
{
    string Name { get; }
    bool ShouldPrune(FrozenTrial trial, IReadOnlyList<FrozenTrial> trials, StudyDirection direction);

    /// <summary>
    /// The trials the sampler may learn from when it suggests trial <paramref name="number"/>: all of them, except
    /// under Hyperband (its bracket's trials only).
    /// </summary>
    IReadOnlyList<FrozenTrial> TrialsForSampling(int number, IReadOnlyList<FrozenTrial> trials) => trials;
    string SaveState();
    void LoadState(string state);
}
