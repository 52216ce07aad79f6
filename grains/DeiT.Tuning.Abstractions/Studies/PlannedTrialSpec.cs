using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Abstractions.Studies;

/// <summary>
/// One trial a study runs as planned rather than sampled. It trains <see cref="Model"/> (the runner's when null) for
/// <see cref="Epochs"/> with the runner's recipe and <see cref="Params"/> on top, seeded with <see cref="Seed"/>. When
/// <see cref="Teacher"/> names another planned trial, it waits for that trial to complete and distills from its best
/// weights; when that trial fails, it fails with the reason. A <see cref="Shared"/> trial (a teacher) is kept under
/// CheckpointRoot/teachers/KEY, and a later study that plans the same key reuses it instead of training it again.
/// </summary>
[GenerateSerializer, Immutable, Alias("deit.PlannedTrialSpec")]
public sealed record PlannedTrialSpec
{
    [Id(0)] public required string Key { get; init; }
    [Id(1)] public IReadOnlyDictionary<string, ParamSetting> Params { get; init; } = new Dictionary<string, ParamSetting>();
    [Id(2)] public int Seed { get; init; }
    [Id(3)] public int Epochs { get; init; } = 1;
    [Id(4)] public string? Model { get; init; }
    [Id(5)] public string? Teacher { get; init; }
    [Id(6)] public string? TeacherModel { get; init; }
    [Id(7)] public bool Shared { get; init; }
    /// <summary>The sampler learns from this trial (e.g. the default recipe as a search's trial 0).</summary>
    [Id(8)] public bool Observed { get; init; }

    /// <summary>Folder of a shared trial's files, relative to CheckpointRoot.</summary>
    public static string SharedFolder(string key) => Path.Combine("teachers", key);
}
