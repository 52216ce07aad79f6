using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Abstractions.Studies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeiT.Tuning.Grains.Hosting;

/// <summary>
/// When the silo becomes active: announce its devices to the registry (before the silo counts as started, so a client
/// that started it finds them), then wake running studies. Right after a silo died the grains they call may be
/// unreachable for a while: then both go on in the background until they succeed, and the silo starts regardless.
/// </summary>
public sealed class SiloDeviceAnnouncer(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<TuningSiloOptions> options,
    ILogger<SiloDeviceAnnouncer> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloDeviceAnnouncer), ServiceLifecycleStage.Active, OnActive, OnStop);

    private async Task OnActive(CancellationToken cancellationToken)
    {
        var registered = false;
        try
        {
            await Register();
            registered = true;
        }
        catch (Exception e)
        {
            logger.LogWarning("could not announce this silo's devices yet ({Error}); retrying in the background", e.Message);
        }
        _ = Task.Run(() => AnnounceAsync(registered), CancellationToken.None);
    }

    private async Task Register()
    {
        var o = options.Value;
        await grains.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).Register(silo.SiloAddress.ToParsableString(), o.Devices, o.AllowExternalCommands);
        logger.LogInformation("silo {Silo} offers {Devices}", silo.SiloAddress, string.Join(", ", o.Devices.Select(d => d.Device)));
    }

    private Task OnStop(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    private async Task AnnounceAsync(bool registered)
    {
        if (!registered && !await UntilDone("announce this silo's devices", Register)) return;
        if (options.Value.WakeStudiesOnStart)
            await UntilDone("wake running studies", () => grains.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).WakeRunningStudies());
    }

    private async Task<bool> UntilDone(string what, Func<Task> call)
    {
        var pause = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; !_stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await call();
                return true;
            }
            catch (Exception e) when (!_stopping.IsCancellationRequested)
            {
                if (attempt == 2) logger.LogWarning("could not {What} yet ({Error}); retrying", what, e.Message);
                await Task.Delay(pause, _stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxPause.Ticks));
            }
        }
        return false;
    }
}
