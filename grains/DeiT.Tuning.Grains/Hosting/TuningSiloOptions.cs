using DeiT.Tuning.Abstractions.Devices;

namespace DeiT.Tuning.Grains.Hosting;

/// <summary>What this silo offers the cluster and where its files live (configuration keys of the same names).</summary>
public sealed class TuningSiloOptions
{
    public IReadOnlyList<DeviceSlot> Devices { get; set; } = new[] { new DeviceSlot("cpu:0", 1) };
    /// <summary>Relative dataset roots resolve against this folder.</summary>
    public string DataRoot { get; set; } = ".";
    /// <summary>Refuse dataset and teacher paths that resolve outside DataRoot (clients must not pick arbitrary files).</summary>
    public bool ConfineDataPaths { get; set; } = true;
    /// <summary>Every checkpoint lives under this folder (shared by the hosts in a cluster).</summary>
    public string CheckpointRoot { get; set; } = ".deit-tune/checkpoints";
    public bool AllowExternalCommands { get; set; }
    /// <summary>How often a running trial reports that it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// Carry on running studies: wake them when the silo starts and when their grain activates here. Off for the
    /// short-lived embedded silo a read-only CLI command starts.
    /// </summary>
    public bool WakeStudiesOnStart { get; set; } = true;
    /// <summary>
    /// Train DeiT trials on threads of the silo's own process instead of one deit-tune-worker process per attempt. For
    /// tests only: in-process trials share libtorch's global generator, and a native crash takes the silo down.
    /// </summary>
    public bool InProcessTrials { get; set; }
    /// <summary>Memory cap of every trial process this silo starts (bytes; a study's own limit may only be lower).</summary>
    public long? MaxTrialMemory { get; set; }
    /// <summary>Test hook: trial key ("study/number") → a crash its worker performs on purpose.</summary>
    public IReadOnlyDictionary<string, Worker.Protocol.WorkerFault> WorkerFaults { get; set; } = new Dictionary<string, Worker.Protocol.WorkerFault>();
}
