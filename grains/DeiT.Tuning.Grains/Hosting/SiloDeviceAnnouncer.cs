using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Abstractions.Studies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeiT.Tuning.Grains.Hosting;

/// <summary>When the silo becomes active: announce its devices to the registry, then wake running studies.</summary>
public sealed class SiloDeviceAnnouncer(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<TuningSiloOptions> options,
    ILogger<SiloDeviceAnnouncer> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloDeviceAnnouncer), ServiceLifecycleStage.Active, OnActive, _ => Task.CompletedTask);

    private async Task OnActive(CancellationToken cancellationToken)
    {
        var o = options.Value;
        await grains.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key)
            .Register(silo.SiloAddress.ToParsableString(), o.Devices, o.AllowExternalCommands);
        logger.LogInformation("silo {Silo} offers {Devices}", silo.SiloAddress, string.Join(", ", o.Devices.Select(d => d.Device)));
        if (o.WakeStudiesOnStart)
            await grains.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).WakeRunningStudies();
    }
}
