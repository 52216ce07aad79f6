namespace DeiT.Tuning.Abstractions.Trials;

/// <summary>
/// One attempt of a trial ("study/number/attempt"), activated on the silo whose device it leased. Each attempt is its
/// own grain: a retry is placed afresh by its lease, never routed to where an earlier attempt lived.
/// </summary>
public interface ITrialGrain : IGrainWithStringKey
{
    /// <summary>Starts the attempt on a dedicated thread and returns at once; a repeated Start is a no-op.</summary>
    [ResponseTimeout("00:00:15")]
    Task<TrialStartResult> Start(TrialAssignment assignment);
    /// <summary>Asks a running attempt to stop after its current step (pruning or `search stop`).</summary>
    Task Stop(string reason);
    /// <summary>
    /// True while the attempt's training thread is alive (training, or delivering its outcome): the study asks before
    /// it gives up an attempt whose heartbeats stopped arriving.
    /// </summary>
    [ResponseTimeout("00:00:05")]
    Task<bool> Probe();
}

public enum TrialStartStatus
{
    /// <summary>The attempt runs (or ran: a repeated Start).</summary>
    Started,
    /// <summary>This silo will not run it (e.g. external commands not allowed, path outside its root): the trial fails.</summary>
    Refused,
    /// <summary>Activated on another silo than the lease names (placement raced a membership change): lease again.</summary>
    Misplaced,
}

[GenerateSerializer, Immutable, Alias("deit.TrialStartResult")]
public sealed record TrialStartResult
{
    [Id(0)] public TrialStartStatus Status { get; init; }
    [Id(1)] public string? Reason { get; init; }
}
