namespace DeiT.Tuning.Cluster.Tests.Harness;

/// <summary>A clustering + grain-storage server the tests start on loopback, and how silos and clients reach it.</summary>
public interface IStorageServer : IDisposable
{
    string Name { get; }
    /// <summary>--Clustering/--Storage keys for deit-tune-silo.</summary>
    IReadOnlyList<string> SiloArguments { get; }
    /// <summary>The same cluster as the CLI's --cluster names it.</summary>
    string CliCluster { get; }
    void ConfigureClient(Orleans.Hosting.IClientBuilder client);
}
