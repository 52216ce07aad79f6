using DeiT.Tuning.Grains.Placement;
using DeiT.Tuning.Grains.Storage;
using DeiT.Tuning.Grains.Trials.Runners;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;

namespace DeiT.Tuning.Grains.Hosting;

public static class TuningSiloBuilderExtensions
{
    /// <summary>Registers what the DeiT.Tuning grains need on a silo (storage is added separately).</summary>
    public static ISiloBuilder AddDeitTuning(this ISiloBuilder silo, TuningSiloOptions options)
    {
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        silo.Services.AddSingleton<CommandTrialRunner>();
        silo.Services.AddSingleton<DeitTrialRunner>();
        silo.Services.AddSingleton<WorkerExecutable>();
        silo.Services.AddSingleton<WorkerTrialRunner>();
        silo.Services.AddSingleton<TrialRunners>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloDeviceAnnouncer>();
        silo.AddPlacementDirector<LeasedDevicePlacement, LeasedDevicePlacementDirector>();
        silo.AddPlacementDirector<SiloEndpointPlacement, SiloEndpointPlacementDirector>();
        return silo;
    }

    /// <summary>The embedded default: grain state in one SQLite file.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder silo, string name, string path)
    {
        silo.Services.AddGrainStorage(name, (sp, _) => new SqliteGrainStorage(path, sp.GetRequiredService<Serializer>()));
        return silo;
    }
}
