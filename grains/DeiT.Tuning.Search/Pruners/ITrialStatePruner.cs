namespace DeiT.Tuning.Search.Pruners;

/// <summary>
/// A pruner whose whole state is kept per trial (what it recorded about each trial), so a study can store each part
/// beside its trial instead of one blob that grows with the study. <see cref="IPruner.SaveState"/> still gives all.
/// </summary>
public interface ITrialStatePruner : IPruner
{
    /// <summary>What the pruner holds about one trial; null when nothing.</summary>
    string? SaveTrialState(int number);

    void LoadTrialState(int number, string state);
}
