namespace DeiT.Tuning.Search.Pruners;

/// <summary>Decides, after a trial reports an intermediate value at a step (epoch), whether to stop it.</summary>
public interface IPruner
{
    string Name { get; }
    bool ShouldPrune(FrozenTrial trial, IReadOnlyList<FrozenTrial> trials, StudyDirection direction);
    string SaveState();
    void LoadState(string state);
}
