using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Dashboard.Api;

/// <summary>One study in the studies list.</summary>
public sealed record StudySummary(
    string Name, string State, string? StopReason, string Metric, string Direction, string Sampler, string Pruner,
    int TrialBudget, int Parallel, int TrialsCreated, int TrialsFinished, IReadOnlyDictionary<string, int> Counts,
    double? BestValue, int? BestTrial, int DevicesBusy, double DeviceBusyFraction,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string Runner);

public sealed record EpochDocument(int Epoch, double? Top1, double? Top5, double? Loss, double? TrainLoss, double ImagesPerSecond, double Seconds);

public sealed record TrialDocument(
    int Number, string State, double? Value, IReadOnlyDictionary<string, object> Params, string? Reason,
    IReadOnlyList<EpochDocument> Epochs, string? Device, string? Silo, int Attempt, int ResumedFromEpoch,
    double DeviceSeconds, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, bool External);

public sealed record LeaseDocument(string Silo, string Device, int Trial, int Attempt, DateTimeOffset AcquiredAt, DateTimeOffset? ReleasedAt);

/// <summary>A parameter's fANOVA importance (shares summing to 1) and the share of the variance it explains alone.</summary>
public sealed record ImportanceDocument(string Param, double Score, double MainEffect);

/// <summary>Everything the study page draws. <see cref="Report"/> is the hook for paper studies' tables (null: none).</summary>
public sealed record StudyDocument(
    StudySummary Study, IReadOnlyList<TrialDocument> Trials, IReadOnlyList<LeaseDocument> Leases,
    IReadOnlyList<ImportanceDocument> Importance, object? Report);

/// <summary>Projections of the grains' records into the API's documents.</summary>
public static class StudyDocuments
{
    public static StudySummary Summary(StudySnapshot s)
    {
        var best = StudyReading.Best(s);
        return new StudySummary(
            s.Spec.Name, Lower(s.State), s.StopReason, s.Spec.Metric, Lower(s.Spec.Direction), s.Spec.Sampler, s.Spec.Pruner,
            s.Spec.Trials, s.Spec.Parallel, s.Trials.Count, s.Trials.Count(t => t.IsFinished),
            s.Trials.GroupBy(StudyReading.State).ToDictionary(g => g.Key, g => g.Count()),
            DashboardJson.Finite(best?.Value), best?.Number,
            s.Trials.Count(t => !t.IsFinished && t.Device is not null),
            StudyUtilization.Of(s).BusyFraction,
            s.CreatedAt, s.StartedAt, s.FinishedAt, Lower(s.Spec.Runner.Kind));
    }

    public static StudyDocument Study(StudySnapshot s) => new(
        Summary(s),
        s.Trials.Select(Trial).ToList(),
        s.Leases.Select(Lease).ToList(),
        StudyImportance.Of(s).Select(p => new ImportanceDocument(p.Name, p.Importance, p.MainEffect)).ToList(),
        Report: null);

    public static TrialDocument Trial(TrialRecord t) => new(
        t.Number, StudyReading.State(t), DashboardJson.Finite(t.Value),
        t.Params.ToDictionary(p => p.Key, p => p.Value.Choice is { } c ? (object)c : p.Value.Number),
        t.Reason, t.Epochs.Select(Epoch).ToList(), t.Device, t.Silo, t.Attempt, t.ResumedFromEpoch,
        t.DeviceSeconds, t.CreatedAt, t.StartedAt, t.FinishedAt, t.External);

    public static EpochDocument Epoch(EpochMetrics e) => new(
        e.Epoch, DashboardJson.Finite(e.Top1), DashboardJson.Finite(e.Top5), DashboardJson.Finite(e.Loss),
        DashboardJson.Finite(e.TrainLoss), e.ImagesPerSecond, e.Seconds);

    /// <summary>Lease records name trials by key "study/number"; the page wants the number.</summary>
    public static LeaseDocument Lease(DeviceLease l) => new(
        l.Silo, l.Device, int.TryParse(l.TrialKey[(l.TrialKey.LastIndexOf('/') + 1)..], out var n) ? n : -1,
        l.Attempt, l.AcquiredAt, l.ReleasedAt);

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
