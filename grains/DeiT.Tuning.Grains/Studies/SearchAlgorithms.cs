using System.Runtime.CompilerServices;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Search;
using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Pruners;
using DeiT.Tuning.Search.Samplers;

namespace DeiT.Tuning.Grains.Studies;

/// <summary>The study's bridge to the search library: space, sampler and pruner from a spec, and record conversions.</summary>
public static class SearchAlgorithms
{
    public static SearchSpace Space(StudySpec spec) => SearchSpace.ForStudy(spec.Space);

    public static ISampler Sampler(StudySpec spec) => SamplerFactory.Create(spec.Sampler, spec.Seed);

    public static IPruner Pruner(StudySpec spec) => PrunerFactory.Create(spec.Pruner);

    public static StudyDirection Direction(StudySpec spec) =>
        spec.Direction == OptimizationDirection.Maximize ? StudyDirection.Maximize : StudyDirection.Minimize;

    public static Dictionary<string, ParamSetting> ToSettings(IReadOnlyDictionary<string, ParamValue> values) =>
        values.ToDictionary(p => p.Key, p => new ParamSetting(p.Value.Number, p.Value.Choice));

    public static Dictionary<string, ParamValue> ToValues(IReadOnlyDictionary<string, ParamSetting> settings) =>
        settings.ToDictionary(p => p.Key, p => new ParamValue(p.Value.Number, p.Value.Choice));

    // Records are immutable: a study asking the sampler or pruner about all its trials converts only the ones that changed.
    private static readonly ConditionalWeakTable<TrialRecord, Tuple<string, FrozenTrial>> Frozen = new();

    public static FrozenTrial Freeze(TrialRecord record, string metric)
    {
        if (Frozen.TryGetValue(record, out var cached) && cached.Item1 == metric) return cached.Item2;
        var frozen = FreezeNow(record, metric);
        Frozen.AddOrUpdate(record, Tuple.Create(metric, frozen));
        return frozen;
    }

    private static FrozenTrial FreezeNow(TrialRecord record, string metric) => new(
        record.Number,
        record.Status switch
        {
            TrialStatus.Completed => TrialState.Complete,
            TrialStatus.Pruned => TrialState.Pruned,
            TrialStatus.Failed => TrialState.Failed,
            _ => TrialState.Running,
        },
        ToValues(record.Params),
        record.Value,
        record.Epochs.Where(e => double.IsFinite(e.Metric(metric))).ToDictionary(e => e.Epoch, e => e.Metric(metric)));
}
