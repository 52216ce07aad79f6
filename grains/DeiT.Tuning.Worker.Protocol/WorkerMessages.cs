using System.Text.Json.Serialization;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Worker.Protocol;

/// <summary>
/// One line of the silo ↔ worker conversation (JSON, one message a line). The silo writes <see cref="StartMessage"/>
/// once, then a <see cref="VerdictMessage"/> for every epoch the worker reports; the worker writes
/// <see cref="EpochMessage"/>s, <see cref="HeartbeatMessage"/>s and finally one <see cref="OutcomeMessage"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(StartMessage), "start")]
[JsonDerivedType(typeof(VerdictMessage), "verdict")]
[JsonDerivedType(typeof(EpochMessage), "epoch")]
[JsonDerivedType(typeof(HeartbeatMessage), "heartbeat")]
[JsonDerivedType(typeof(OutcomeMessage), "outcome")]
[JsonDerivedType(typeof(DeviceCheckMessage), "device")]
public abstract record WorkerMessage;

/// <summary>Runs one attempt: the job, where it runs, and the protocol version the silo speaks.</summary>
public sealed record StartMessage(int Version, string Trial, TrainingJob Job, TrainingRunOptions Run) : WorkerMessage
{
    /// <summary>Test hook: end the process at this epoch the way a native crash would (see <see cref="WorkerFault"/>).</summary>
    public WorkerFault? Fault { get; init; }
}

/// <summary>The study's answer to an epoch report: go on, or stop now (pruned, study stopped).</summary>
public sealed record VerdictMessage(int Epoch, bool Stop) : WorkerMessage;

/// <summary>An epoch's metrics, written after its checkpoint; the worker waits for the verdict before going on.</summary>
public sealed record EpochMessage(
    int Epoch, double Top1, double Top5, double Loss, double TrainLoss, double ImagesPerSecond, double Seconds) : WorkerMessage;

/// <summary>The worker is alive (sent from its own thread, also while a long epoch trains).</summary>
public sealed record HeartbeatMessage : WorkerMessage;

/// <summary>How the attempt ended, when the worker ends it itself (a crash writes none).</summary>
/// <param name="TestTop1">A completed run's best-epoch weights scored on the test split.</param>
public sealed record OutcomeMessage(WorkerEnd End, string? Reason = null, double? TestTop1 = null) : WorkerMessage;

public enum WorkerEnd { Completed, Stopped, Diverged, Failed }

/// <summary>
/// What `deit-tune-worker --check-devices` found for one device: null <paramref name="Error"/> when the device exists
/// and ran a kernel, as a trial on it would.
/// </summary>
public sealed record DeviceCheckMessage(string Device, string? Error, int? ComputeCapability = null) : WorkerMessage;

/// <summary>A crash on purpose, for tests of crash isolation: SIGABRT (a native abort) or SIGKILL (the OOM killer).</summary>
public sealed record WorkerFault(WorkerFaultKind Kind, int AtEpoch);

public enum WorkerFaultKind { Abort, Kill }
