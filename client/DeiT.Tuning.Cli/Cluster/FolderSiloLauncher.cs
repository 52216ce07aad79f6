using System.Diagnostics;
using DeiT.Tuning.Cli.Infrastructure;

namespace DeiT.Tuning.Cli.Cluster;

/// <summary>Starts `deit-tune silo` in the background for this folder (logging to ./.deit-tune/silo.log), so a detached search outlives the command.</summary>
public static class FolderSiloLauncher
{
    public static async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        var folder = Directory.GetCurrentDirectory();
        if (EmbeddedSiloFile.FindRunning(folder) is not null) return;
        var log = Path.Combine(folder, EmbeddedSiloFile.Folder, "silo.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        var self = Environment.ProcessPath ?? throw new CliException("cannot find the deit-tune executable to start a background silo; run `deit-tune silo` yourself");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = folder };
        start.ArgumentList.Add("-c");
        // setsid: the silo leaves this terminal's process group, so Ctrl+C here does not stop it.
        start.ArgumentList.Add("exec setsid \"$@\" silo >> \"$0\" 2>&1 < /dev/null");
        start.ArgumentList.Add(log);
        start.ArgumentList.Add(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(FolderSiloLauncher).Assembly.Location);
        using var process = Process.Start(start) ?? throw new CliException("could not start a background silo");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (EmbeddedSiloFile.FindRunning(folder) is null)
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
                throw new CliException($"the background silo did not start; see {log}", 3);
            await Task.Delay(250, cancellationToken);
        }
    }
}
