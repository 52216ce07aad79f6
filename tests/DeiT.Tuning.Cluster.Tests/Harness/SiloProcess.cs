using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DeiT.Tuning.Cluster.Tests.Harness;

/// <summary>
/// One `dotnet deit-tune-silo.dll` process with fixed loopback ports (a restart keeps them, as a host would).
/// Kill is SIGKILL: no shutdown code runs, exactly like a host losing power.
/// </summary>
public sealed partial class SiloProcess(string name, IReadOnlyList<string> arguments, string logFolder) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private Process? _process;
    private TaskCompletionSource<string> _ready = new();
    private StreamWriter? _log;

    public string Name { get; } = name;
    public int SiloPort { get; } = FreePorts.Next();
    public int GatewayPort { get; } = FreePorts.Next();
    public int Starts { get; private set; }
    /// <summary>Orleans' parsable address of the running incarnation (127.0.0.1:PORT@GENERATION), once it announced its devices.</summary>
    public string? Address { get; private set; }
    public bool IsRunning => _process is { HasExited: false };
    public int? Pid => _process?.Id;
    public string LogPath => Path.Combine(logFolder, $"{Name}.log");

    public IReadOnlyList<string> FullArguments =>
        [.. arguments, "--SiloPort", SiloPort.ToString(), "--GatewayPort", GatewayPort.ToString()];

    public void Start()
    {
        if (IsRunning) throw new InvalidOperationException($"{Name} is already running");
        Starts++;
        _ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Address = null;
        _log ??= new StreamWriter(LogPath, append: true) { AutoFlush = true };
        _log.WriteLine($"==== start {Starts} at {DateTimeOffset.UtcNow:O}");
        var start = new ProcessStartInfo("dotnet", [RepoPaths.SiloDll, .. FullArguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = logFolder,
        };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"{Name} exited before it was ready; see {LogPath}"));
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>Waits until the silo joined and registered its devices; returns its Orleans address.</summary>
    public async Task<string> WaitReady()
    {
        var address = await _ready.Task.WaitAsync(StartTimeout);
        Address = address;
        return address;
    }

    /// <summary>SIGSTOP: the process stops where it is (it can start nothing more) until it is killed.</summary>
    public void Freeze()
    {
        if (_process is null) return;
        _log?.WriteLine($"==== SIGSTOP at {DateTimeOffset.UtcNow:O}");
        using var kill = Process.Start("kill", ["-STOP", _process.Id.ToString()]);
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"cannot SIGSTOP {Name} (pid {_process.Id})");
    }

    public void Kill()
    {
        if (_process is null) return;
        _log?.WriteLine($"==== SIGKILL at {DateTimeOffset.UtcNow:O}");
        _process.Kill(); // SIGKILL of the silo alone; its trial commands lose their stdout and die on their next report
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    /// <summary>The process's exit code once it ends by itself (e.g. a refused configuration).</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (_process is null) throw new InvalidOperationException($"{Name} was not started");
        if (!_process.WaitForExit(timeout)) throw new TimeoutException($"{Name} is still running after {timeout}");
        return _process.ExitCode;
    }

    public string ReadLog()
    {
        lock (this) _log?.Flush();
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (this) _log?.WriteLine(line);
        if (OffersLine().Match(line) is { Success: true } m) _ready.TrySetResult($"{m.Groups[1].Value}@{m.Groups[2].Value}");
    }

    public void Dispose()
    {
        Kill();
        _log?.Dispose();
    }

    [GeneratedRegex(@"silo S(\S+):(\d+) offers")]
    private static partial Regex OffersLine();
}
