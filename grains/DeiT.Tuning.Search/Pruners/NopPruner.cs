namespace DeiT.Tuning.Search.Pruners;

/// <summary>Never prunes.</summary>
public sealed class NopPruner : IPruner
{
    public string Name => "none";
    public bool ShouldPrune(FrozenTrial trial, IReadOnlyList<FrozenTrial> trials, StudyDirection direction) => false;
    public string SaveState() => "";
    public void LoadState(string state) { }
}
