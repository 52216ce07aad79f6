using DeiT.Tuning.Grains.Devices;
using DeiT.Tuning.Grains.Trials.Runners;

namespace DeiT.Tuning.Silo.Hosting;

/// <summary>
/// A silo checks its CUDA devices (<see cref="DeviceProbe"/>) before it offers them: one that cannot train stops the
/// silo with an error naming Devices. A silo that also runs external commands only warns, since a command may bring
/// its own CUDA stack; and a check that cannot run (no worker, too slow) warns and leaves the verdict to the trials.
/// </summary>
public static class SiloDeviceCheck
{
    public static async Task VerifyAsync(SiloSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var result = await DeviceProbe.CheckAsync(settings.Devices, new WorkerExecutable(), DeviceProbe.DefaultTimeout, cancellationToken);
        if (result.Skipped is { } why)
        {
            log.WriteLine($"warning: the CUDA devices were not checked: {why}");
            return;
        }
        var failures = result.Failures.Select(f => $"{f.Device}: {f.Error}").ToList();
        if (failures.Count == 0)
        {
            if (result.Checks.Count > 0)
                log.WriteLine("devices checked: " + string.Join(", ", result.Checks.Select(c => c.ComputeCapability is { } major ? $"{c.Device} (compute capability {major}.x)" : c.Device)));
            return;
        }
        var problem = string.Join("; ", failures);
        if (settings.AllowExternalCommands)
        {
            log.WriteLine($"warning: Devices: {problem} — DeiT trials leased there will fail; external command trials may still use them");
            return;
        }
        throw new SiloConfigurationException("Devices", $"{problem} (list the devices this host can train on, e.g. Devices=cpu:4x2)");
    }
}
