namespace DeiT.Tuning.Paper.Plan;

/// <summary>A teacher trains first; a student may wait for one.</summary>
public enum TrialRole { Teacher, Student }

/// <summary>The data every trial of a study trains and evaluates on (limits null = the whole split).</summary>
public sealed record PaperData(string Dataset, string? Root, int? TrainLimit, int? ValidationLimit, int? TestLimit)
{
    public override string ToString() => $"{Dataset}{(Root is null ? "" : "@" + Root)}:{TrainLimit?.ToString() ?? "all"}/{ValidationLimit?.ToString() ?? "all"}/{TestLimit?.ToString() ?? "all"}";
}

/// <summary>A table row a trial or evaluation feeds.</summary>
public sealed record RowRef(PaperTable Table, string Config);

/// <summary>
/// One training run of the plan. <see cref="Key"/> is stable: the same plan always gives the same keys, and a teacher's
/// key is its <see cref="TeacherIdentity"/>, the same across studies. <see cref="Overrides"/> are the recipe values it
/// sets, on top of DeiT's defaults (every budget value explicit). A student with a <see cref="TeacherKey"/> waits for
/// that teacher and distills from its weights; when the teacher fails, it fails with the teacher's reason.
/// </summary>
public sealed record PlannedTrial(
    string Key,
    TrialRole Role,
    string Config,
    string Model,
    int Seed,
    int Epochs,
    IReadOnlyList<RecipeOverride> Overrides,
    string? TeacherKey,
    string? TeacherModel,
    IReadOnlyList<RowRef> Serves);

/// <summary>After two trials complete: the fraction of test images on which their top-1 predictions differ, each
/// model under its head ("class", "dist", "both").</summary>
public sealed record PlannedEvaluation(string Key, string TrialA, string HeadA, string TrialB, string HeadB, IReadOnlyList<RowRef> Serves)
{
    public IReadOnlyList<string> DependsOn => [TrialA, TrialB];
}

/// <summary>A BO search over the paper's knobs at the ablation rows' epoch budget, its trial 0 the paper's defaults:
/// that trial is <see cref="DefaultTrialKey"/>, already in the plan, so it is not trained twice. <see cref="FixedOverrides"/>
/// hold for every search trial; the sampler draws <see cref="Parameters"/> from the DeiT search space.</summary>
public sealed record PlannedSearch(
    string KeyPrefix,
    string Model,
    int Seed,
    int Epochs,
    int Trials,
    string Sampler,
    IReadOnlyList<string> Parameters,
    IReadOnlyList<RecipeOverride> FixedOverrides,
    string DefaultTrialKey)
{
    /// <summary>The key of search trial <paramref name="number"/> (1 … Trials−1; trial 0 is <see cref="DefaultTrialKey"/>).</summary>
    public string TrialKey(int number) => number == 0 ? DefaultTrialKey : $"{KeyPrefix}-{number:D3}";
}
