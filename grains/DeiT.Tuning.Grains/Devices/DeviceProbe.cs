using System.Diagnostics;
using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Grains.Trials.Runners;
using DeiT.Tuning.Worker.Protocol;

namespace DeiT.Tuning.Grains.Devices;

/// <summary>
/// Before a silo offers its GPUs: one deit-tune-worker process (the program its trials run in, with the silo's
/// environment) loads the backend and runs a kernel on each CUDA device, so a host whose build has no CUDA, or whose
/// Devices names a GPU it lacks, is caught at start instead of failing every trial leased there. CPU slots need no check.
/// </summary>
public static class DeviceProbe
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>What was found: each CUDA device's check, or why the check could not run (<see cref="Result.Skipped"/>).</summary>
    public sealed record Result(IReadOnlyList<DeviceCheckMessage> Checks, string? Skipped = null)
    {
        public IEnumerable<DeviceCheckMessage> Failures => Checks.Where(c => c.Error is not null);
    }

    public static async Task<Result> CheckAsync(IReadOnlyList<DeviceSlot> devices, WorkerExecutable worker, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var cuda = devices.Select(d => DeviceList.TorchDevice(d.Device)).Where(d => d.StartsWith("cuda", StringComparison.Ordinal)).ToList();
        if (cuda.Count == 0) return new Result([]);
        if (worker.Command is not { } argv) return new Result([], worker.Missing);

        var start = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in argv.Skip(1)) start.ArgumentList.Add(arg);
        start.ArgumentList.Add(WorkerProtocol.CheckDevicesArgument);
        start.ArgumentList.Add(string.Join(",", cuda));
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            return new Result([], $"the check did not finish within {timeout.TotalSeconds:0} s");
        }
        var checks = (await stdout).Split('\n').Select(line => WorkerProtocol.Read(line.Trim())).OfType<DeviceCheckMessage>().ToList();
        var missed = cuda.Where(d => checks.All(c => c.Device != d)).ToList();
        if (missed.Count > 0)
        {
            var last = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            checks.AddRange(missed.Select(d => new DeviceCheckMessage(d, $"the check ended with exit code {process.ExitCode} before reporting it{(last is null ? "" : $": {last}")}")));
        }
        return new Result(checks);
    }
}
