using Microsoft.Extensions.Hosting;
using System.Diagnostics;
using System.Net.Sockets;
using StackExchange.Redis;

namespace DeiT.Tuning.Cluster.Tests.Harness;

/// <summary>A throwaway redis-server on a loopback port, without persistence; killed on dispose.</summary>
public sealed class RedisServer : IStorageServer
{
    private readonly Process _process;
    private readonly string _folder = Directory.CreateTempSubdirectory("deit-redis-").FullName;

    public RedisServer()
    {
        var program = ChildProcess.Find("redis-server", "/usr/bin", "/usr/local/bin")
            ?? throw new InvalidOperationException("redis-server is not installed: apt-get install redis-server (.ci/run does)");
        Port = FreePorts.Next();
        var start = new ProcessStartInfo(program,
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _folder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilListening();
    }

    public int Port { get; }
    public string Name => "redis";
    public string Endpoint => $"127.0.0.1:{Port}";
    public IReadOnlyList<string> SiloArguments =>
        ["--Clustering", "redis", "--ClusteringConnectionString", Endpoint, "--Storage", "redis", "--StorageConnectionString", Endpoint];
    public string CliCluster => $"redis:{Endpoint}";

    public void ConfigureClient(Orleans.Hosting.IClientBuilder client) =>
        client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(Endpoint));

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}");
            try
            {
                using var client = new TcpClient("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
