namespace DeiT.Tuning.Cluster.Tests.Harness;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>deit-tune-silo.dll in the silo project's own output folder (same configuration as these tests).</summary>
    public static string SiloDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/CONFIG/net10.0
            var path = Path.Combine(Root, "silo", "DeiT.Tuning.Silo", "bin", configuration, "net10.0", "deit-tune-silo.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"build silo/DeiT.Tuning.Silo first: {path} is missing");
        }
    }

    public static string PostgresScripts => Path.Combine(Root, "deploy", "sql", "postgres");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeiT.Tuning.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("DeiT.Tuning.sln not found above the test binaries");
    }
}
