using DeiT.Tuning.Abstractions.Studies;

namespace DeiT.Tuning.Dashboard.Api;

/// <summary>Reads studies through the Abstractions' grain interfaces only.</summary>
public sealed class StudyReader(IGrainFactory grains)
{
    public async Task<IReadOnlyList<StudySummary>> Studies()
    {
        var names = await grains.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).List();
        var snapshots = await Task.WhenAll(names.Select(n => grains.GetGrain<IStudyGrain>(n).GetSnapshot()));
        return snapshots.OfType<StudySnapshot>().Select(StudyDocuments.Summary).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Null when the name is not a study name or no such study exists.</summary>
    public async Task<StudySnapshot?> Snapshot(string name)
    {
        try
        {
            StudyNames.Validate(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
        return await Grain(name).GetSnapshot();
    }

    public IStudyGrain Grain(string name) => grains.GetGrain<IStudyGrain>(name);
}
