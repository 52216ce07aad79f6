using System.Net;
using DeiT.Tuning.Cli.Infrastructure;

namespace DeiT.Tuning.Cli.Cluster;

public enum ClusterAddressKind { Gateways, Redis, Postgres }

/// <summary>
/// What --cluster (or DEIT_TUNE_CLUSTER) names: "redis:HOST:PORT" (Redis clustering), "postgres:CONNECTION STRING"
/// (PostgreSQL clustering), or silo gateways "HOST:PORT[,HOST:PORT…]". The cluster and service ids come from
/// DEIT_TUNE_ClusterId / DEIT_TUNE_ServiceId (default deit-tune), as for the silos.
/// </summary>
public sealed record ClusterAddress(ClusterAddressKind Kind, string Value, IReadOnlyList<IPEndPoint> Gateways)
{
    public static ClusterAddress Parse(string text)
    {
        if (text.StartsWith("redis:", StringComparison.OrdinalIgnoreCase))
            return new(ClusterAddressKind.Redis, text["redis:".Length..].TrimStart('/'), []);
        if (text.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase))
            return new(ClusterAddressKind.Postgres, text["postgres:".Length..], []);
        var gateways = new List<IPEndPoint>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(part[(colon + 1)..], out var port) || port is < 1 or > 65535)
                throw new CliException($"--cluster '{text}': '{part}' is not HOST:PORT; use redis:HOST:PORT, postgres:CONNECTION, or gateway HOST:PORT[,HOST:PORT]");
            var host = part[..colon];
            var address = host == "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(host, out var ip) ? ip
                : Dns.GetHostAddresses(host).FirstOrDefault() ?? throw new CliException($"--cluster: host '{host}' does not resolve");
            gateways.Add(new IPEndPoint(address, port));
        }
        if (gateways.Count == 0) throw new CliException("--cluster is empty: use redis:HOST:PORT, postgres:CONNECTION, or gateway HOST:PORT");
        return new(ClusterAddressKind.Gateways, text, gateways);
    }
}
