namespace DeiT.Tuning.Abstractions.Studies;

/// <summary>Names of every study (one grain, key <see cref="Key"/>), so silos can wake running studies after a restart.</summary>
public interface IStudyCatalogGrain : IGrainWithStringKey
{
    const string Key = "cluster";
    Task Add(string study);
    Task Remove(string study);
    Task<IReadOnlyList<string>> List();
    /// <summary>Calls Run on every study that was running, so a restarted cluster carries on.</summary>
    Task WakeRunningStudies();
}
