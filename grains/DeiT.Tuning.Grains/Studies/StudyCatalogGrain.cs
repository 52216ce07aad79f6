using DeiT.Tuning.Abstractions.Studies;

namespace DeiT.Tuning.Grains.Studies;

[GenerateSerializer, Alias("deit.StudyCatalogState")]
public sealed class StudyCatalogState
{
    [Id(0)] public SortedSet<string> Studies { get; set; } = new(StringComparer.Ordinal);
}

public sealed class StudyCatalogGrain(
    [PersistentState("catalog", StorageNames.Default)] IPersistentState<StudyCatalogState> state) : Grain, IStudyCatalogGrain
{
    public async Task Add(string study)
    {
        if (state.State.Studies.Add(study)) await state.WriteStateAsync();
    }

    public async Task Remove(string study)
    {
        if (state.State.Studies.Remove(study)) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>(state.State.Studies.ToList());

    public Task WakeRunningStudies()
    {
        foreach (var name in state.State.Studies) GrainFactory.GetGrain<IStudyGrain>(name).Wake();
        return Task.CompletedTask;
    }
}
