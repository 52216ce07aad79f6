namespace DeiT.Tuning.Cluster.Tests.Harness;

/// <summary>
/// A throwaway PostgreSQL cluster (initdb + pg_ctl from the Debian package) on a loopback port, with database
/// "orleans" set up by deploy/sql/postgres/*.sql exactly as an operator would. Run as user "postgres" when the
/// tests run as root (initdb refuses root). Stopped (immediate) and deleted on dispose.
/// </summary>
public sealed class PostgresServer : IStorageServer
{
    private const string User = "orleans";
    private readonly string _bin;
    private readonly string _folder;
    private readonly string? _runAs;

    public PostgresServer()
    {
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault() ?? ""
            : "";
        if (_bin.Length == 0) throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: apt-get install postgresql (.ci/run does)");
        _runAs = Environment.UserName == "root" ? "postgres" : null;
        _folder = Directory.CreateTempSubdirectory("deit-pg-").FullName;
        if (_runAs is not null) ChildProcess.Run("chown", [_runAs, _folder]);
        Port = FreePorts.Next();
        var data = Path.Combine(_folder, "data");
        ChildProcess.Run(Path.Combine(_bin, "initdb"), ["-D", data, "-U", User, "--auth=trust", "--no-sync"], _runAs);
        ChildProcess.Run(Path.Combine(_bin, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(_folder, "server.log"), "-w", "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], _runAs);
        Psql("postgres", ["-c", "CREATE DATABASE orleans"]);
        foreach (var script in Directory.GetFiles(RepoPaths.PostgresScripts, "*.sql").Order(StringComparer.Ordinal))
            Psql("orleans", ["-v", "ON_ERROR_STOP=1", "-q", "-f", script]);
    }

    public int Port { get; }
    public string Name => "postgres";
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database=orleans;Username={User}";
    public IReadOnlyList<string> SiloArguments =>
        ["--Clustering", "postgres", "--ClusteringConnectionString", ConnectionString, "--Storage", "postgres", "--StorageConnectionString", ConnectionString];
    public string CliCluster => $"postgres:{ConnectionString}";

    public void ConfigureClient(Orleans.Hosting.IClientBuilder client) =>
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = ConnectionString;
        });

    /// <summary>Runs SQL against the orleans database and returns psql's unaligned output.</summary>
    public string Query(string sql) => Psql("orleans", ["-At", "-c", sql]);

    private string Psql(string database, string[] args) =>
        ChildProcess.Run(Path.Combine(_bin, "psql"), ["-h", "127.0.0.1", "-p", Port.ToString(), "-U", User, "-d", database, .. args]);

    public void Dispose()
    {
        try
        {
            ChildProcess.Run(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop"], _runAs);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
