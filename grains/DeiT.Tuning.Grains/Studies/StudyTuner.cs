using System.Globalization;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Search;
using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Pruners;
using DeiT.Tuning.Search.Samplers;

namespace DeiT.Tuning.Grains.Studies;

/// <summary>
/// A study's decisions about its trials, apart from running them (Optuna's split: a space, a sampler that suggests,
/// a pruner that judges): the next trial's parameters and each reported epoch's verdict, and the state the sampler
/// and a study-wide pruner keep in the study's header. The grain leases, dispatches, watches and stores.
/// </summary>
internal sealed class StudyTuner
{
    private readonly StudySpec _spec;
    private readonly ISampler _sampler;

    /// <summary>Throws for a bad space, sampler or pruner (so a study that has one is never stored).</summary>
    public StudyTuner(StudySpec spec, string? samplerState, string? prunerState)
    {
        _spec = spec;
        Space = SearchAlgorithms.Space(spec);
        _sampler = SearchAlgorithms.Sampler(spec);
        Pruner = SearchAlgorithms.Pruner(spec);
        if (samplerState is not null) _sampler.LoadState(samplerState);
        if (prunerState is not null) Pruner.LoadState(prunerState);
    }

    public SearchSpace Space { get; }
    public IPruner Pruner { get; }
    public string SamplerState => _sampler.SaveState();
    /// <summary>What a pruner that does not keep its state per trial keeps in the header; null for one that does.</summary>
    public string? PrunerState => Pruner is ITrialStatePruner ? null : Pruner.SaveState();
    public string? TrialPrunerState(int number) => (Pruner as ITrialStatePruner)?.SaveTrialState(number);

    /// <summary>Parameters of the next trial (number <c>trials.Count</c>): the next enqueued configuration, else the
    /// sampler's suggestion from the trials it observes and the warm start's.</summary>
    public Dictionary<string, ParamSetting> NextParams(IReadOnlyList<TrialRecord> trials, IEnumerable<TrialRecord> warmStart)
    {
        // Retrained trials ran another epoch budget: their values are not observations of the sampled objective.
        var own = trials.Where(t => t.RetrainOf is null && (t.PlanKey is null || _spec.PlannedOf(t)?.Observed == true)).ToList();
        if (own.Count < _spec.Enqueued.Count) return new Dictionary<string, ParamSetting>(_spec.Enqueued[own.Count]); // validated at creation
        // A planned trial the sampler observes may set recipe fields outside the space: it sees the space's part.
        var frozen = warmStart.Concat(own.Select(t => t.PlanKey is null ? t : t with { Params = InSpace(t.Params) }))
            .Select(t => SearchAlgorithms.Freeze(t, _spec.Metric)).ToList();
        var values = _sampler.Suggest(Space, Pruner.TrialsForSampling(trials.Count, frozen), SearchAlgorithms.Direction(_spec));
        return SearchAlgorithms.ToSettings(values);
    }

    /// <summary>Why the pruner stops the trial after this epoch (<paramref name="record"/> holds it, at
    /// <paramref name="index"/> of <paramref name="trials"/>), or null to go on. Only trials the sampler observes are
    /// judged, before their last epoch.</summary>
    public string? PruneReason(IReadOnlyList<TrialRecord> trials, int index, TrialRecord record, EpochMetrics metrics)
    {
        if (metrics.Epoch >= _spec.EpochsOf(record) || record.RetrainOf is not null || _spec.PlannedOf(record)?.Observed == false) return null;
        var frozen = trials.Select((t, i) => SearchAlgorithms.Freeze(i == index ? record : t, _spec.Metric)).ToList();
        if (!Pruner.ShouldPrune(frozen[index], frozen, SearchAlgorithms.Direction(_spec))) return null;
        return $"pruned by {Pruner.Name} at epoch {metrics.Epoch} ({_spec.Metric} {metrics.Metric(_spec.Metric).ToString("G4", CultureInfo.InvariantCulture)})";
    }

    private Dictionary<string, ParamSetting> InSpace(IReadOnlyDictionary<string, ParamSetting> parameters) =>
        parameters.Where(p => Space.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
}
