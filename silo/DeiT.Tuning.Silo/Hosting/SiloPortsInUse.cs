using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace DeiT.Tuning.Silo.Hosting;

/// <summary>A silo whose port another process holds: which key to change, found before it starts or from its failure.</summary>
public static class SiloPortsInUse
{
    private const string Fix = "give a free port (every silo on a host needs its own SiloPort and GatewayPort)";

    /// <summary>Throws, naming the key, when another process listens on the silo's or the gateway's port now.</summary>
    public static void ThrowIfTaken(SiloSettings settings)
    {
        foreach (var (key, port) in Ports(settings))
            if (!CanListen(port)) throw new SiloConfigurationException(key, $"port {port} is in use by another process on this host: {Fix}");
    }

    public static bool Caused(Exception e) => e switch
    {
        AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } => true,
        AggregateException a => a.InnerExceptions.Any(Caused),
        _ => e.InnerException is { } inner && Caused(inner),
    };

    /// <summary>For a port taken between <see cref="ThrowIfTaken"/> and the silo's bind: the listener that failed, when
    /// its stack trace names it (the silo's own listener on the other port may still be open, so trying is no help).</summary>
    public static SiloConfigurationException Describe(Exception failure, SiloSettings settings)
    {
        var trace = failure.ToString();
        var ports = Ports(settings);
        var taken = trace.Contains("GatewayConnectionListener", StringComparison.Ordinal) ? [ports[1]]
            : trace.Contains("SiloConnectionListener", StringComparison.Ordinal) ? [ports[0]]
            : ports;
        return new SiloConfigurationException(string.Join(" or ", taken.Select(p => p.Key)),
            $"port {string.Join(" or ", taken.Select(p => p.Port))} is in use by another process on this host: {Fix}");
    }

    private static (string Key, int Port)[] Ports(SiloSettings settings) => [("SiloPort", settings.SiloPort), ("GatewayPort", settings.GatewayPort)];

    private static bool CanListen(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Any, port)); // where the silo listens
            socket.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
