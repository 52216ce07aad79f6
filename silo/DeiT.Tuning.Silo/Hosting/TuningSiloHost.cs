using DeiT.Tuning.Grains;
using DeiT.Tuning.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace DeiT.Tuning.Silo.Hosting;

/// <summary>Builds a DeiT.Tuning silo from <see cref="SiloSettings"/>; the `silo` command and the CLI's embedded silo share it.</summary>
public static class TuningSiloHost
{
    private const string PostgresInvariant = "Npgsql";

    /// <summary>Configuration sources in order of precedence (last wins): appsettings.json, DEIT_TUNE_* environment, arguments.</summary>
    public static void AddSources(IConfigurationBuilder configuration, string[] args) =>
        configuration
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables("DEIT_TUNE_")
            .AddCommandLine(args);

    public static void Configure(IHostApplicationBuilder builder, SiloSettings settings) =>
        builder.UseOrleans(silo => ConfigureSilo(silo, settings));

    public static void ConfigureSilo(ISiloBuilder silo, SiloSettings settings)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        switch (settings.Clustering)
        {
            case ClusteringKind.Localhost:
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort,
                    settings.PrimarySiloPort is { } primary ? new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, primary) : null,
                    settings.ServiceId, settings.ClusterId);
                break;
            case ClusteringKind.Redis:
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(settings.ClusteringConnectionString!));
                silo.ConfigureEndpoints(settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
                break;
            case ClusteringKind.Postgres:
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = PostgresInvariant;
                    o.ConnectionString = settings.ClusteringConnectionString;
                });
                silo.ConfigureEndpoints(settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
                break;
        }
        switch (settings.Storage)
        {
            case StorageKind.Sqlite:
                silo.AddSqliteGrainStorage(StorageNames.Default, settings.StorageConnectionString);
                break;
            case StorageKind.Redis:
                silo.AddRedisGrainStorage(StorageNames.Default, o => o.Configure<Serializer>((options, serializer) =>
                {
                    options.ConfigurationOptions = ConfigurationOptions.Parse(settings.StorageConnectionString);
                    options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
                break;
            case StorageKind.Postgres:
                silo.AddAdoNetGrainStorage(StorageNames.Default, o => o.Configure<Serializer>((options, serializer) =>
                {
                    options.Invariant = PostgresInvariant;
                    options.ConnectionString = settings.StorageConnectionString;
                    options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
                break;
        }
        silo.AddDeitTuning(new TuningSiloOptions
        {
            Devices = settings.Devices,
            DataRoot = settings.DataRoot,
            ConfineDataPaths = settings.ConfineDataPaths,
            CheckpointRoot = settings.CheckpointRoot,
            AllowExternalCommands = settings.AllowExternalCommands,
            HeartbeatInterval = settings.HeartbeatInterval,
            WakeStudiesOnStart = settings.WakeStudiesOnStart,
            MaxTrialMemory = settings.MaxTrialMemory,
        });
        ConfigureMembership(silo, settings);
        if (settings.OrleansDashboard) silo.AddDashboard();
    }

    /// <summary>Failure detection, Kubernetes hosting and TLS: the keys that matter once silos run on several hosts.</summary>
    private static void ConfigureMembership(ISiloBuilder silo, SiloSettings settings)
    {
        // The default directory forgets the entries a dead silo held, so a trial still training on a live silo could
        // get a second activation (and a second run). The distributed directory recovers them.
#pragma warning disable ORLEANSEXP003
        if (settings.Clustering != ClusteringKind.Localhost) silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            if (settings.ProbeTimeout is { } probe)
            {
                o.ProbeTimeout = probe;
                o.IAmAliveTablePublishTimeout = probe;
                o.TableRefreshTimeout = 2 * probe;
            }
            if (settings.DeathVoteExpiration is { } vote) o.DeathVoteExpirationTimeout = vote;
        });
        if (settings.KubernetesHosting) silo.UseKubernetesHosting();
        if (settings.TlsCertificate is { } path)
        {
            var certificate = ClusterTls.Load(path, settings.TlsCertificatePassword);
            silo.UseTls(certificate, o => ClusterTls.Configure(o, certificate));
        }
    }
}
