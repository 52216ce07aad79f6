using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Grains;
using DeiT.Tuning.Grains.Devices;
using DeiT.Tuning.Grains.Hosting;
using DeiT.Tuning.Worker.Protocol;
using Orleans.TestingHost;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>
/// Two in-process silos sharing one SQLite file and one checkpoint root, each offering two CPU device slots;
/// <see cref="AllowExternalCommands"/> says whether they may run external commands.
/// </summary>
public class TwoSiloCluster : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("deit-tune-grains-").FullName;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;
    public string CheckpointRoot => Path.Combine(Root, "checkpoints");
    /// <summary>The CheckpointRoot of the silo named so (by default the one they share).</summary>
    public virtual string CheckpointRootOf(string siloName) => CheckpointRoot;
    protected virtual bool AllowExternalCommands => true;
    protected virtual IReadOnlyDictionary<string, WorkerFault> WorkerFaults => new Dictionary<string, WorkerFault>();

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        var state = Path.Combine(Root, "state.db");
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddSqliteGrainStorage(StorageNames.Default, state);
            silo.AddDeitTuning(new TuningSiloOptions
            {
                Devices = DeviceList.Parse("cpu:2x1"),
                DataRoot = "/", // datasets are named by absolute paths; a silo refuses paths outside its DataRoot
                CheckpointRoot = CheckpointRootOf(options.SiloName),
                AllowExternalCommands = AllowExternalCommands,
                HeartbeatInterval = TimeSpan.FromSeconds(1),
                WorkerFaults = WorkerFaults,
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await WaitForDevices(4);
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Silos announce their devices once active; wait until the registry has them all.</summary>
    private async Task WaitForDevices(int count)
    {
        var registry = Client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key);
        for (var i = 0; i < 200; i++)
        {
            if ((await registry.GetInventory()).Silos.Values.Sum(d => d.Count) >= count) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"the silos did not announce {count} devices");
    }
}

/// <summary>Silos on two hosts without a shared mount: each keeps its trials' files under its own CheckpointRoot.</summary>
public sealed class SeparateRootsCluster : TwoSiloCluster
{
    public override string CheckpointRootOf(string siloName) => Path.Combine(Root, "checkpoints-" + siloName);
}

public sealed class NoExternalCommandsCluster : TwoSiloCluster
{
    protected override bool AllowExternalCommands => false;
}

/// <summary>Silos whose workers for trials 0 and 1 of study "crashes" crash on purpose (a native abort, a SIGKILL).</summary>
public sealed class CrashingWorkersCluster : TwoSiloCluster
{
    protected override IReadOnlyDictionary<string, WorkerFault> WorkerFaults => new Dictionary<string, WorkerFault>
    {
        ["crashes/0"] = new(WorkerFaultKind.Abort, AtEpoch: 2),
        ["crashes/1"] = new(WorkerFaultKind.Kill, AtEpoch: 1),
    };
}
