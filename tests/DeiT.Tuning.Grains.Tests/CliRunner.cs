using System.Diagnostics;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>Runs the built deit-tune in a folder of its own (each run is a separate process, as for a user).</summary>
public sealed class CliRunner(string folder)
{
    public string Folder { get; } = folder;

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public Result Run(IReadOnlyDictionary<string, string>? environment, params string[] args) => Run(environment, TimeSpan.FromMinutes(2), args);

    public Result Run(IReadOnlyDictionary<string, string>? environment, TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "deit-tune.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("DEIT_TUNE_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"deit-tune {string.Join(' ', args)} did not end");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public Result Run(params string[] args) => Run(null, args);
}
