using System.Net;
using System.Net.Sockets;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace DeiT.Tuning.Cli.Cluster;

/// <summary>
/// The folder's embedded silo, run in this process when no other process runs it: its settings (the `silo` keys from
/// appsettings.json and DEIT_TUNE_*, free ports unless configured, a CPU slot per core), the folder lock, the port and
/// device checks before it starts, and silo.json, by which the folder's other commands find it.
/// </summary>
internal static class EmbeddedSilo
{
    /// <summary>Starts the folder's silo in this process and writes silo.json for the folder's other commands.</summary>
    public static async Task<IHost> StartAsync(string folder, bool keepStudiesRunning, string[]? siloArgs, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (settings, portsPicked) = Settings(folder, keepStudiesRunning, siloArgs);
            if (!portsPicked) SiloPortsInUse.ThrowIfTaken(settings);
            // A silo that will train checks its CUDA devices first (only the ones that run trials need to).
            if (keepStudiesRunning && attempt == 1) await SiloDeviceCheck.VerifyAsync(settings, Console.Error, cancellationToken);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = folder });
            QuietHostLogging.Apply(builder);
            TuningSiloHost.Configure(builder, settings);
            var host = builder.Build();
            try
            {
                await host.StartAsync(cancellationToken);
            }
            catch (Exception e) when (SiloPortsInUse.Caused(e))
            {
                host.Dispose();
                // A free port picked for the silo can be taken by another process before the silo binds it: pick again.
                if (portsPicked && attempt < 3) continue;
                throw SiloPortsInUse.Describe(e, settings);
            }
            new EmbeddedSiloFile(Environment.ProcessId, settings.GatewayPort, settings.SiloPort, settings.ClusterId).Write(folder);
            return host;
        }
    }

    /// <summary>The folder's silo: the same configuration keys as `silo` (appsettings.json, DEIT_TUNE_*), on free ports
    /// unless they are configured (<c>PortsPicked</c>: neither is, and each call picks both afresh).</summary>
    private static (SiloSettings Settings, bool PortsPicked) Settings(string folder, bool keepStudiesRunning, string[]? args = null)
    {
        var configuration = new ConfigurationBuilder().SetBasePath(folder);
        TuningSiloHost.AddSources(configuration, args ?? []);
        var built = configuration.Build();
        var settings = SiloSettings.From(built);
        if (settings.Clustering != ClusteringKind.Localhost)
            throw new CliException($"Clustering={settings.Clustering} is set, but no --cluster was given: pass --cluster (or DEIT_TUNE_CLUSTER) to use that cluster");
        return (settings with
        {
            SiloPort = built["SiloPort"] is null ? FreePort() : settings.SiloPort,
            GatewayPort = built["GatewayPort"] is null ? FreePort() : settings.GatewayPort,
            Devices = built["Devices"] is null ? Grains.Devices.DeviceList.Parse($"cpu:{Environment.ProcessorCount}x1") : settings.Devices,
            WakeStudiesOnStart = keepStudiesRunning,
            // The user's own process: datasets may be anywhere on this machine.
            ConfineDataPaths = false,
        }, built["SiloPort"] is null && built["GatewayPort"] is null);
    }

    /// <summary>The folder's lock: held by the one process that runs its silo; null when another process holds it.</summary>
    public static FileStream? TryLockFolder(string folder)
    {
        var path = Path.Combine(folder, EmbeddedSiloFile.Folder, "silo.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
