using Orleans.Concurrency;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Abstractions.Studies;

/// <summary>The tuner of one study (keyed by study name). Every call is short; training happens in trial grains.</summary>
public interface IStudyGrain : IGrainWithStringKey
{
    /// <summary>Creates the study (idempotent for an identical spec; an existing study with another spec is an error).</summary>
    Task<StudySnapshot> Create(StudySpec spec);
    /// <summary>Starts or resumes launching trials; running trials whose silo is gone are re-dispatched.</summary>
    Task<StudySnapshot> Run();
    /// <summary>Stops launching trials and asks the running ones to stop.</summary>
    Task<StudySnapshot> Stop();
    /// <summary>Raises the trial budget, the time budget and/or the patience, or moves the target value further (never
    /// the other way); a finished study can then be run again.</summary>
    Task<StudySnapshot> Extend(int? trials, TimeSpan? timeBudget, int? patience = null, double? targetValue = null);
    /// <summary>Adds trials that train the <paramref name="top"/> best configurations again for <paramref name="epochs"/>
    /// epochs, each with <paramref name="seeds"/> seeds, and raises the trial budget by as many (run the study to train them).</summary>
    Task<StudySnapshot> Retrain(int top, int seeds, int epochs);
    /// <summary>Removes the study's state, its trials' checkpoints and its catalog entry; refused while trials run.</summary>
    Task Delete();
    /// <summary>Null when no study of this name exists.</summary>
    Task<StudySnapshot?> GetSnapshot();
    Task<IReadOnlyList<TrialRecord>> GetLeaderboard(int top);

    /// <summary>Ask-and-tell: a new trial whose parameters the caller evaluates itself.</summary>
    Task<TrialRecord> Ask();
    Task<TrialRecord> Tell(int number, TrialStatus status, double? value, string? reason);

    /// <summary>Activates the study so a running one carries on (one-way: a starting silo never waits on it).</summary>
    [OneWay]
    Task Wake();

    // Called by trial grains.
    Task<EpochVerdict> ReportEpoch(int number, int attempt, EpochMetrics metrics);
    /// <summary>Epochs an earlier attempt journaled whose reports may have been lost with its silo; missing ones are added.</summary>
    Task RecoverEpochs(int number, int attempt, IReadOnlyList<EpochMetrics> journaled);
    /// <summary>One-way, so a trial's heartbeat timer never waits on a study that is calling that trial.</summary>
    [OneWay]
    Task Heartbeat(int number, int attempt);
    Task ReportOutcome(int number, int attempt, TrialOutcome outcome);
}

public enum StudyState { Created, Running, Stopping, Stopped, Finished }

/// <summary>A consistent copy of a study's state for clients.</summary>
[GenerateSerializer, Immutable, Alias("deit.StudySnapshot")]
public sealed record StudySnapshot
{
    [Id(0)] public required StudySpec Spec { get; init; }
    [Id(1)] public StudyState State { get; init; }
    [Id(2)] public string? StopReason { get; init; }
    [Id(3)] public DateTimeOffset CreatedAt { get; init; }
    [Id(4)] public DateTimeOffset? StartedAt { get; init; }
    [Id(5)] public DateTimeOffset? FinishedAt { get; init; }
    [Id(6)] public IReadOnlyList<TrialRecord> Trials { get; init; } = Array.Empty<TrialRecord>();
    /// <summary>Every device lease the study's trials held, in order (for utilization and overlap checks).</summary>
    [Id(7)] public IReadOnlyList<DeviceLease> Leases { get; init; } = Array.Empty<DeviceLease>();
    [Id(8)] public string? BestTrialKey { get; init; }
}
