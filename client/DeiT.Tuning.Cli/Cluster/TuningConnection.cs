using System.Net;
using DeiT.Tuning.Cli.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace DeiT.Tuning.Cli.Cluster;

public enum ConnectionKind
{
    /// <summary>A client of the cluster named by --cluster.</summary>
    Cluster,
    /// <summary>A client of the embedded silo another deit-tune process runs for this folder.</summary>
    FolderSilo,
    /// <summary>This process hosts the folder's embedded silo: it stops when the command ends.</summary>
    Embedded,
}

/// <summary>
/// How a command reaches the grains: with --cluster as a client of that cluster; otherwise as a client of the
/// folder's running embedded silo (./.deit-tune/silo.json), or else by starting that embedded silo in-process
/// (localhost clustering, SQLite under ./.deit-tune/).
/// </summary>
public sealed class TuningConnection : IAsyncDisposable
{
    private static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(60);

    private readonly IHost _host;
    private readonly FileStream? _lock;

    private TuningConnection(IHost host, ConnectionKind kind, string where, FileStream? folderLock)
    {
        _host = host;
        Kind = kind;
        Where = where;
        _lock = folderLock;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    public IClusterClient Client { get; }
    public ConnectionKind Kind { get; }

    /// <summary>Cancelled when this process's host is asked to stop (SIGTERM, Ctrl+C).</summary>
    public CancellationToken Stopping => _host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
    public string Where { get; }

    /// <param name="cluster">--cluster / DEIT_TUNE_CLUSTER, or null for the folder's embedded silo.</param>
    /// <param name="keepStudiesRunning">When this process must host the embedded silo: carry on running studies
    /// (search start/resume) rather than only reading them.</param>
    /// <param name="siloArgs">Configuration keys (--Key value) for an embedded silo this process starts.</param>
    public static async Task<TuningConnection> OpenAsync(string? cluster, bool keepStudiesRunning, CancellationToken cancellationToken, string[]? siloArgs = null)
    {
        if (!string.IsNullOrWhiteSpace(cluster))
            return await ConnectAsync(ClusterAddress.Parse(cluster), ConnectionKind.Cluster, cancellationToken);

        var folder = Directory.GetCurrentDirectory();
        var deadline = DateTime.UtcNow + StartupWait;
        while (true)
        {
            if (EmbeddedSiloFile.FindRunning(folder) is { } running)
            {
                try
                {
                    var gateway = new IPEndPoint(IPAddress.Loopback, running.GatewayPort);
                    return await ConnectAsync(new ClusterAddress(ClusterAddressKind.Gateways, gateway.ToString(), [gateway]),
                        ConnectionKind.FolderSilo, cancellationToken, running.ClusterId);
                }
                catch (CliException) when (DateTime.UtcNow < deadline)
                {
                    // the silo is still starting or just stopped: look again
                }
            }
            else if (EmbeddedSilo.TryLockFolder(folder) is { } folderLock)
            {
                return await StartEmbeddedAsync(folder, folderLock, keepStudiesRunning, siloArgs, cancellationToken);
            }
            if (DateTime.UtcNow >= deadline)
                throw new CliException($"another deit-tune process holds {Path.Combine(folder, EmbeddedSiloFile.Folder)} but its silo does not answer; stop it or remove {EmbeddedSiloFile.PathIn(folder)}", 3);
            await Task.Delay(250, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _host.Dispose();
            if (_lock is not null)
            {
                EmbeddedSiloFile.RemoveOwn(Path.GetDirectoryName(Path.GetDirectoryName(_lock.Name)!)!);
                await _lock.DisposeAsync();
            }
        }
    }

    private static async Task<TuningConnection> ConnectAsync(ClusterAddress address, ConnectionKind kind, CancellationToken cancellationToken, string? clusterId = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables("DEIT_TUNE_").Build();
        QuietHostLogging.Apply(builder);
        builder.Services.AddSingleton<IClientConnectionRetryFilter, GiveUpRetryFilter>();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId ?? configuration["ClusterId"] ?? "deit-tune";
                o.ServiceId = configuration["ServiceId"] ?? "deit-tune";
            });
            switch (address.Kind)
            {
                case ClusterAddressKind.Redis:
                    client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(address.Value));
                    break;
                case ClusterAddressKind.Postgres:
                    client.UseAdoNetClustering(o =>
                    {
                        o.Invariant = "Npgsql";
                        o.ConnectionString = address.Value;
                    });
                    break;
                default:
                    client.UseStaticClustering(address.Gateways.ToArray());
                    break;
            }
            ClientTls.Apply(client, configuration);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new CliException(
                $"cannot reach the cluster at {address.Value}: {e.Message.Split('\n')[0]} — check --cluster / DEIT_TUNE_CLUSTER and that a silo runs there", 3);
        }
        return new TuningConnection(host, kind, address.Value, null);
    }

    private static async Task<TuningConnection> StartEmbeddedAsync(string folder, FileStream folderLock, bool keepStudiesRunning, string[]? siloArgs, CancellationToken cancellationToken)
    {
        try
        {
            var host = await EmbeddedSilo.StartAsync(folder, keepStudiesRunning, siloArgs, cancellationToken);
            return new TuningConnection(host, ConnectionKind.Embedded, $"embedded silo in {Path.Combine(folder, EmbeddedSiloFile.Folder)}", folderLock);
        }
        catch
        {
            await folderLock.DisposeAsync();
            throw;
        }
    }
}
