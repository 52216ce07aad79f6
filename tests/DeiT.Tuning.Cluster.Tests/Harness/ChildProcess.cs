using System.Diagnostics;

namespace DeiT.Tuning.Cluster.Tests.Harness;

/// <summary>Runs a program to completion and returns its output; a non-zero exit throws with that output.</summary>
public static class ChildProcess
{
    public static string Run(string program, IEnumerable<string> args, string? user = null, TimeSpan? timeout = null)
    {
        var start = user is not null && Environment.UserName != user
            ? new ProcessStartInfo("runuser", ["-u", user, "--", program, .. args])
            : new ProcessStartInfo(program, args);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish");
        }
        var output = stdout.Result + stderr.Result;
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {output}");
        return output;
    }

    /// <summary>The full path of a program on PATH or in one of the given folders, or null.</summary>
    public static string? Find(string name, params string[] folders) =>
        folders.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            .Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);
}
