namespace DeiT.Tuning.Abstractions.Trials;

/// <summary>One trial ("study/number"), activated on the silo whose device it leased.</summary>
public interface ITrialGrain : IGrainWithStringKey
{
    /// <summary>Starts training on a dedicated thread and returns at once; a second call for a running attempt is a no-op.</summary>
    Task<TrialStartResult> Start(TrialAssignment assignment);
    /// <summary>Asks a running attempt to stop after its current step (pruning or `search stop`).</summary>
    Task Stop(string reason);
}

[GenerateSerializer, Immutable, Alias("deit.TrialStartResult")]
public sealed record TrialStartResult
{
    [Id(0)] public bool Started { get; init; }
    /// <summary>Attempt already running in this activation (when Started is false and no refusal).</summary>
    [Id(1)] public int RunningAttempt { get; init; }
    [Id(2)] public string? Refusal { get; init; }
    [Id(3)] public string Silo { get; init; } = "";
}
