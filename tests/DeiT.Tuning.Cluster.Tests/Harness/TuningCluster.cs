using Microsoft.Extensions.Logging;
using DeiT.Tuning.Abstractions.Studies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace DeiT.Tuning.Cluster.Tests.Harness;

/// <summary>
/// Silo processes of one cluster on loopback, sharing a checkpoint folder (as hosts share NFS), their storage
/// server, and an Orleans client in the test process. Failure detection is tuned to seconds (probe 1 s).
/// </summary>
public sealed class TuningCluster : IAsyncDisposable
{
    public const string DefaultServiceId = "deit-cluster-tests";

    private readonly List<SiloProcess> _silos = [];
    private readonly List<IHost> _clients = [];

    public TuningCluster(IStorageServer server, string clusterId, string serviceId = DefaultServiceId)
    {
        Server = server;
        ClusterId = clusterId;
        ServiceId = serviceId;
        Folder = Directory.CreateTempSubdirectory($"deit-{clusterId}-").FullName;
        Directory.CreateDirectory(CheckpointRoot);
        Directory.CreateDirectory(DataRoot);
    }

    public IStorageServer Server { get; }
    public string ClusterId { get; }
    /// <summary>Grain state is keyed by service id: clusters sharing one storage server need their own.</summary>
    public string ServiceId { get; }
    public string Folder { get; }
    public string CheckpointRoot => Path.Combine(Folder, "checkpoints");
    public string DataRoot => Path.Combine(Folder, "data");
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>Adds a silo (not started) with 2 CPU slots; extra "--Key value" pairs override the defaults.</summary>
    public SiloProcess AddSilo(params string[] overrides)
    {
        var settings = new Dictionary<string, string>
        {
            ["ClusterId"] = ClusterId,
            ["ServiceId"] = ServiceId,
            ["Devices"] = "cpu:2x1",
            ["CheckpointRoot"] = CheckpointRoot,
            ["DataRoot"] = DataRoot,
            ["AllowExternalCommands"] = "true",
            ["HeartbeatSeconds"] = "1",
            ["ProbeTimeoutSeconds"] = "1",
            ["DeathVoteExpirationSeconds"] = "20",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:DeiT"] = "Information",
        };
        for (var i = 0; i + 1 < overrides.Length; i += 2) settings[overrides[i].TrimStart('-')] = overrides[i + 1];
        var args = Server.SiloArguments.Concat(settings.SelectMany(s => new[] { $"--{s.Key}", s.Value })).ToList();
        var silo = new SiloProcess($"silo{_silos.Count + 1}", args, Folder);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>Starts the given silos together and waits until each has joined and announced its devices.</summary>
    public static async Task StartAll(params SiloProcess[] silos)
    {
        foreach (var silo in silos) silo.Start();
        await Task.WhenAll(silos.Select(s => s.WaitReady()));
    }

    public async Task<IClusterClient> Connect(Action<Orleans.Hosting.IClientBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterId;
                o.ServiceId = ServiceId;
            });
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            Server.ConfigureClient(client);
            configure?.Invoke(client);
        });
        var host = builder.Build();
        _clients.Add(host);
        await host.StartAsync();
        return host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>Orleans' view of one silo port: Active while any incarnation on it is active.</summary>
    public static async Task<bool> IsActive(IClusterClient client, SiloProcess silo)
    {
        var hosts = await Calls.Retry(() => client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true));
        return hosts.Keys.Any(a => a.ToParsableString() == silo.Address);
    }

    public static async Task<StudySnapshot> WaitSettled(IStudyGrain study, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var snapshot = await Calls.Retry(study.GetSnapshot);
            if (snapshot is { State: StudyState.Finished or StudyState.Stopped }) return snapshot;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"study {snapshot?.Spec.Name} still {snapshot?.State} after {timeout}: {string.Join(", ", snapshot?.Trials.Select(t => $"{t.Number}:{t.Status}/{t.Epochs.Count}@{t.Silo}") ?? [])}");
            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            try
            {
                await client.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            }
            catch (Exception)
            {
                // the cluster may be gone already
            }
            client.Dispose();
        }
        foreach (var silo in _silos) silo.Dispose();
        if (Environment.GetEnvironmentVariable("DEIT_KEEP_CLUSTER_LOGS") == "1") return; // for post-mortems
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // an orphaned trial command may still be writing; the temp folder is left behind
        }
    }
}
