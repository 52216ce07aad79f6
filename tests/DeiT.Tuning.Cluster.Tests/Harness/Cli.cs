using System.Diagnostics;

namespace DeiT.Tuning.Cluster.Tests.Harness;

/// <summary>The deit-tune CLI as a separate process pointed at a test cluster (--cluster, DEIT_TUNE_ClusterId/ServiceId).</summary>
public sealed class Cli(TuningCluster cluster)
{
    public static string Dll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var path = Path.Combine(RepoPaths.Root, "client", "DeiT.Tuning.Cli", "bin", configuration, "net10.0", "deit-tune.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"build client/DeiT.Tuning.Cli first: {path} is missing");
        }
    }

    public Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Dll, .. args, "--cluster", cluster.Server.CliCluster])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = cluster.Folder,
        };
        start.Environment["DEIT_TUNE_ClusterId"] = cluster.ClusterId;
        start.Environment["DEIT_TUNE_ServiceId"] = cluster.ServiceId;
        return Process.Start(start)!;
    }

    /// <summary>Runs a command to its end; returns (exit code, stdout, stderr).</summary>
    public async Task<(int Exit, string Stdout, string Stderr)> Run(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout, await stderr);
    }
}
