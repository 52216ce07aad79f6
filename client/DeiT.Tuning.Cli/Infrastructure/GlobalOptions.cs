using System.CommandLine;

namespace DeiT.Tuning.Cli.Infrastructure;

public static class GlobalOptions
{
    /// <summary>Print one machine-readable JSON document on stdout; progress goes to stderr.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print one machine-readable JSON document on stdout (progress goes to stderr)",
        Recursive = true,
    };

    /// <summary>Cluster to connect to; without it (and without DEIT_TUNE_CLUSTER) an embedded silo runs in-process.</summary>
    public static readonly Option<string?> Cluster = new("--cluster")
    {
        Description = "Cluster to connect to (or set DEIT_TUNE_CLUSTER); default: embedded silo with SQLite under ./.deit-tune/",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("DEIT_TUNE_CLUSTER"),
    };
}
