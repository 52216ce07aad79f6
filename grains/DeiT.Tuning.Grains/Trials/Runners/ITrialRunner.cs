using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>Trains one trial attempt synchronously on the calling (dedicated) thread.</summary>
public interface ITrialRunner
{
    RunnerResult Run(RunnerContext context, Func<EpochMetrics, EpochVerdict> onEpoch, CancellationToken cancellationToken);
}

/// <summary>Where an attempt runs: its assignment, its checkpoint folder and the leased device.</summary>
public sealed record RunnerContext(TrialAssignment Assignment, string CheckpointDirectory, string DataRoot, bool ConfineDataPaths = true)
{
    /// <summary>Where a runner that reads reports ahead of delivering them records each one as soon as it sees it.</summary>
    public EpochJournal? Journal { get; init; }

    /// <summary>The silo's CheckpointRoot: a teacher the study trained is read from under it.</summary>
    public string? CheckpointRoot { get; init; }

    /// <summary>Cancelled when the trial is stopped (study stopped): a process runner kills its child at once.</summary>
    public CancellationToken Stop { get; init; }

    /// <summary>The trial's wall-clock limit per attempt, if the study set one.</summary>
    public TimeSpan? WallClockLimit { get; init; }

    /// <summary>Bytes the attempt's process may allocate (see <see cref="TrialMemoryLimit"/>), if the study or silo set a limit.</summary>
    public long? MemoryLimit { get; init; }

    /// <summary>Test hook: the worker crashes on purpose (see TuningSiloOptions.WorkerFaults).</summary>
    public Worker.Protocol.WorkerFault? Fault { get; init; }

    public string TorchDevice => Devices.DeviceList.TorchDevice(Assignment.Lease.Device);
    public int Threads => Assignment.Lease.Threads;
}

public enum RunnerEnd { Completed, Stopped, Failed, Cancelled }

/// <param name="TestTop1">Top-1 of the attempt's best-epoch weights on the test split, when it completed and kept them.</param>
public sealed record RunnerResult(RunnerEnd End, string? Reason = null, double? TestTop1 = null);
