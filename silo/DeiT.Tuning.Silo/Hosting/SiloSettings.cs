using System.Globalization;
using System.Net;
using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Dashboard;
using DeiT.Tuning.Grains.Devices;
using Microsoft.Extensions.Configuration;

namespace DeiT.Tuning.Silo.Hosting;

public enum ClusteringKind { Localhost, Redis, Postgres }

public enum StorageKind { Sqlite, Redis, Postgres }

/// <summary>
/// A silo's configuration, read from flat keys (appsettings.json, DEIT_TUNE_* environment variables, --Key value
/// arguments). Every key is listed in <see cref="Keys"/>; a bad value throws naming its key.
/// </summary>
public sealed record SiloSettings
{
    public static readonly IReadOnlyList<string> Keys =
    [
        "ClusterId", "ServiceId", "Clustering", "ClusteringConnectionString", "Storage", "StorageConnectionString",
        "Devices", "DataRoot", "CheckpointRoot", "SiloPort", "GatewayPort", "PrimarySiloPort", "AdvertisedAddress",
        "AllowExternalCommands", "Dashboard", "DashboardPort", "DashboardBind", "DashboardToken", "OrleansDashboard",
        "OrleansDashboardPort", "HeartbeatSeconds", "WakeStudiesOnStart", "MaxTrialMemory",
        "ProbeTimeoutSeconds", "DeathVoteExpirationSeconds", "KubernetesHosting", "TlsCertificate", "TlsCertificatePassword",
    ];

    public string ClusterId { get; init; } = "deit-tune";
    public string ServiceId { get; init; } = "deit-tune";
    public ClusteringKind Clustering { get; init; } = ClusteringKind.Localhost;
    public string? ClusteringConnectionString { get; init; }
    public StorageKind Storage { get; init; } = StorageKind.Sqlite;
    /// <summary>sqlite: the database file; redis/postgres: the server's connection string.</summary>
    public string StorageConnectionString { get; init; } = Path.Combine(".deit-tune", "state.db");
    public IReadOnlyList<DeviceSlot> Devices { get; init; } = DeviceList.Parse("cpu:1x1");
    public string DataRoot { get; init; } = ".";
    public string CheckpointRoot { get; init; } = Path.Combine(".deit-tune", "checkpoints");
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    /// <summary>Localhost clustering with several silos: the first silo's port (the others join it).</summary>
    public int? PrimarySiloPort { get; init; }
    public IPAddress AdvertisedAddress { get; init; } = IPAddress.Loopback;
    public bool AllowExternalCommands { get; init; }
    /// <summary>The study dashboard (client/DeiT.Tuning.Dashboard) on DashboardBind:DashboardPort.</summary>
    public bool Dashboard { get; init; }
    public int DashboardPort { get; init; } = 8080;
    public IPAddress DashboardBind { get; init; } = IPAddress.Loopback;
    /// <summary>Required when DashboardBind is beyond loopback; every request must carry it.</summary>
    public string? DashboardToken { get; init; }
    /// <summary>Orleans' own dashboard (grains, silos) for operators, on localhost:OrleansDashboardPort.</summary>
    public bool OrleansDashboard { get; init; }
    public int OrleansDashboardPort { get; init; } = 8081;
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);
    public bool WakeStudiesOnStart { get; init; } = true;
    /// <summary>Memory cap of every trial process this silo starts (e.g. 1.5GB); a study's --max-trial-memory may only lower it.</summary>
    public long? MaxTrialMemory { get; init; }
    /// <summary>Membership probe period and timeout; a silo missing 3 probes is suspected (Orleans' default 5 s).</summary>
    public TimeSpan? ProbeTimeout { get; init; }
    /// <summary>How long a suspicion vote counts (Orleans' default 2 min); keep it above 3 probe timeouts.</summary>
    public TimeSpan? DeathVoteExpiration { get; init; }
    /// <summary>Run under Orleans' Kubernetes hosting: pod name/IP and cluster id from the pod, dead pods deleted.</summary>
    public bool KubernetesHosting { get; init; }
    /// <summary>PKCS#12 file with the cluster certificate: silo-to-silo and client-to-silo links use mutual TLS.</summary>
    public string? TlsCertificate { get; init; }
    public string? TlsCertificatePassword { get; init; }
    /// <summary>Refuse dataset/teacher paths outside DataRoot; off only for the CLI's own embedded silo.</summary>
    public bool ConfineDataPaths { get; init; } = true;

    public DashboardOptions StudyDashboard => new()
    {
        Bind = DashboardBind, Port = DashboardPort, Token = DashboardToken,
        CheckpointRoot = CheckpointRoot,
    };

    public static SiloSettings From(IConfiguration configuration)
    {
        var d = new SiloSettings();
        var settings = new SiloSettings
        {
            ClusterId = Text(configuration, "ClusterId") ?? d.ClusterId,
            ServiceId = Text(configuration, "ServiceId") ?? d.ServiceId,
            Clustering = Enum<ClusteringKind>(configuration, "Clustering") ?? d.Clustering,
            ClusteringConnectionString = Text(configuration, "ClusteringConnectionString"),
            Storage = Enum<StorageKind>(configuration, "Storage") ?? d.Storage,
            StorageConnectionString = Text(configuration, "StorageConnectionString") ?? d.StorageConnectionString,
            Devices = Text(configuration, "Devices") is { } devices ? Parse("Devices", () => DeviceList.Parse(devices)) : d.Devices,
            DataRoot = Text(configuration, "DataRoot") ?? d.DataRoot,
            CheckpointRoot = Text(configuration, "CheckpointRoot") ?? d.CheckpointRoot,
            SiloPort = Port(configuration, "SiloPort") ?? d.SiloPort,
            GatewayPort = Port(configuration, "GatewayPort") ?? d.GatewayPort,
            PrimarySiloPort = Port(configuration, "PrimarySiloPort"),
            AdvertisedAddress = Text(configuration, "AdvertisedAddress") is { } ip
                ? IPAddress.TryParse(ip, out var address) ? address : throw Bad("AdvertisedAddress", ip, "an IP address such as 10.0.0.5")
                : d.AdvertisedAddress,
            AllowExternalCommands = Bool(configuration, "AllowExternalCommands") ?? d.AllowExternalCommands,
            Dashboard = Bool(configuration, "Dashboard") ?? d.Dashboard,
            DashboardPort = Port(configuration, "DashboardPort") ?? d.DashboardPort,
            DashboardBind = Text(configuration, "DashboardBind") is { } bind
                ? IPAddress.TryParse(bind, out var bound) ? bound : throw Bad("DashboardBind", bind, "an IP address such as 127.0.0.1 or 0.0.0.0")
                : d.DashboardBind,
            DashboardToken = configuration["DashboardToken"] is { Length: > 0 } token ? token : null,
            OrleansDashboard = Bool(configuration, "OrleansDashboard") ?? d.OrleansDashboard,
            OrleansDashboardPort = Port(configuration, "OrleansDashboardPort") ?? d.OrleansDashboardPort,
            MaxTrialMemory = Text(configuration, "MaxTrialMemory") is { } mm
                ? Abstractions.Trials.MemorySize.TryParse(mm) ?? throw Bad("MaxTrialMemory", mm, "a size such as 1.5GB or 800MB")
                : null,
            HeartbeatInterval = Text(configuration, "HeartbeatSeconds") is { } hb
                ? double.TryParse(hb, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? TimeSpan.FromSeconds(s) : throw Bad("HeartbeatSeconds", hb, "a positive number of seconds")
                : d.HeartbeatInterval,
            WakeStudiesOnStart = Bool(configuration, "WakeStudiesOnStart") ?? d.WakeStudiesOnStart,
            ProbeTimeout = Seconds(configuration, "ProbeTimeoutSeconds"),
            DeathVoteExpiration = Seconds(configuration, "DeathVoteExpirationSeconds"),
            KubernetesHosting = Bool(configuration, "KubernetesHosting") ?? d.KubernetesHosting,
            TlsCertificate = Text(configuration, "TlsCertificate"),
            TlsCertificatePassword = configuration["TlsCertificatePassword"],
        };
        settings.Validate();
        return settings;
    }

    private void Validate()
    {
        if (Clustering != ClusteringKind.Localhost && string.IsNullOrWhiteSpace(ClusteringConnectionString))
            throw new SiloConfigurationException("ClusteringConnectionString", $"Clustering={Clustering} needs the server's connection string (e.g. localhost:6379 for redis, Host=...;Database=orleans;Username=...;Password=... for postgres)");
        if (Storage != StorageKind.Sqlite && string.IsNullOrWhiteSpace(StorageConnectionString))
            throw new SiloConfigurationException("StorageConnectionString", $"Storage={Storage} needs the server's connection string");
        if (SiloPort == GatewayPort)
            throw new SiloConfigurationException("GatewayPort", $"the gateway port equals SiloPort ({SiloPort}): give each its own port");
        if (Dashboard && (DashboardPort == SiloPort || DashboardPort == GatewayPort))
            throw new SiloConfigurationException("DashboardPort", $"{DashboardPort} is already the silo or gateway port");
        if (OrleansDashboard && (OrleansDashboardPort == SiloPort || OrleansDashboardPort == GatewayPort || (Dashboard && OrleansDashboardPort == DashboardPort)))
            throw new SiloConfigurationException("OrleansDashboardPort", $"{OrleansDashboardPort} is already the silo, gateway or DashboardPort");
        if (Dashboard)
        {
            try
            {
                StudyDashboard.Validate("DashboardToken");
            }
            catch (DashboardConfigurationException e)
            {
                throw new SiloConfigurationException("DashboardToken", e.Message);
            }
        }
        if (TlsCertificate is not null && !File.Exists(TlsCertificate))
            throw new SiloConfigurationException("TlsCertificate", $"file '{Path.GetFullPath(TlsCertificate)}' does not exist: give a PKCS#12 (.pfx) file holding the cluster certificate and its key");
        if (ProbeTimeout is { } probe && DeathVoteExpiration is { } vote && vote <= 3 * probe)
            throw new SiloConfigurationException("DeathVoteExpirationSeconds", $"{vote.TotalSeconds} s is not above 3 probe timeouts ({3 * probe.TotalSeconds} s): votes would expire before a dead silo could be declared dead");
        if (string.IsNullOrWhiteSpace(CheckpointRoot))
            throw new SiloConfigurationException("CheckpointRoot", "is empty: give the folder that holds trial checkpoints");
    }

    private static string? Text(IConfiguration c, string key) => c[key] is { Length: > 0 } v ? v.Trim() : null;

    private static T? Enum<T>(IConfiguration c, string key) where T : struct, System.Enum =>
        Text(c, key) is not { } v ? null
        : System.Enum.TryParse<T>(v, ignoreCase: true, out var e) && System.Enum.IsDefined(e) ? e
        : throw Bad(key, v, string.Join(" | ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant())));

    private static bool? Bool(IConfiguration c, string key) =>
        Text(c, key) is not { } v ? null : bool.TryParse(v, out var b) ? b : throw Bad(key, v, "true or false");

    private static int? Port(IConfiguration c, string key) =>
        Text(c, key) is not { } v ? null
        : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536 ? p
        : throw Bad(key, v, "a TCP port between 1 and 65535");

    private static TimeSpan? Seconds(IConfiguration c, string key) =>
        Text(c, key) is not { } v ? null
        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && s < 86400 ? TimeSpan.FromSeconds(s)
        : throw Bad(key, v, "a positive number of seconds");

    private static T Parse<T>(string key, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException e)
        {
            throw new SiloConfigurationException(key, e.Message);
        }
    }

    private static SiloConfigurationException Bad(string key, string value, string expected) =>
        new(key, $"'{value}' is not valid: expected {expected}");
}

/// <summary>A configuration value a silo cannot start with; <see cref="Key"/> names the setting.</summary>
public sealed class SiloConfigurationException(string key, string problem)
    : Exception($"configuration key {key}: {problem}")
{
    public string Key { get; } = key;
}
