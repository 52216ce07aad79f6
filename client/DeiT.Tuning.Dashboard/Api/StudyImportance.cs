using System.Collections.Concurrent;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Search;
using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Importance;

namespace DeiT.Tuning.Dashboard.Api;

/// <summary>fANOVA importances of a study's parameters from its completed trials (Optuna's default: pruned trials
/// stopped at other budgets, so their values are not comparable), over the study's search space (the DeiT space when
/// it names none). Remembered per set of completed trials: the dashboard asks on every update, and a completed trial's
/// value never changes.</summary>
public static class StudyImportance
{
    static readonly ConcurrentDictionary<string, (int Key, IReadOnlyList<ParameterImportance> Result)> Cache = new();

    public static IReadOnlyList<ParameterImportance> Of(StudySnapshot study)
    {
        var completed = Completed(study);
        var key = new HashCode();
        key.Add(study.Spec.Space);
        key.Add(study.Spec.Seed);
        foreach (var t in completed) { key.Add(t.Number); key.Add(t.Value); }
        var hash = key.ToHashCode();
        if (Cache.TryGetValue(study.Spec.Name, out var cached) && cached.Key == hash) return cached.Result;

        var space = SearchSpace.ForStudy(study.Spec.Space);
        var result = FanovaImportance.Evaluate(space,
            completed.Select(t => ((IReadOnlyDictionary<string, ParamValue>)t.Params.ToDictionary(p => p.Key, p => new ParamValue(p.Value.Number, p.Value.Choice)), t.Value!.Value)),
            new FanovaOptions { Seed = study.Spec.Seed });
        Cache[study.Spec.Name] = (hash, result);
        return result;
    }

    public static IReadOnlyList<TrialRecord> Completed(StudySnapshot study) =>
        study.Trials.Where(t => t.Status == TrialStatus.Completed && t.Value is { } v && double.IsFinite(v)).ToList();
}
