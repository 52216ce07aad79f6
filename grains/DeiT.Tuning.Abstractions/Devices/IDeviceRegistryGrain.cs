using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Abstractions.Devices;

/// <summary>
/// The devices every silo offers and who holds each (one grain for the cluster, key <see cref="Key"/>).
/// A lease names one device of one silo; a device is never leased twice at once.
/// </summary>
public interface IDeviceRegistryGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    /// <summary>A silo announces its devices when it starts.</summary>
    Task Register(string silo, IReadOnlyList<DeviceSlot> devices, bool allowsExternalCommands);
    /// <summary>Leases a free device on a live silo, or returns null when none is free.</summary>
    Task<DeviceLease?> Acquire(string trialKey, int attempt, bool needsExternalCommands);
    Task Release(string trialKey, int attempt);
    Task<DeviceInventory> GetInventory();
}

[GenerateSerializer, Immutable, Alias("deit.DeviceSlot")]
public sealed record DeviceSlot([property: Id(0)] string Device, [property: Id(1)] int Threads);

[GenerateSerializer, Immutable, Alias("deit.DeviceInventory")]
public sealed record DeviceInventory
{
    /// <summary>Devices of the silos that are active members now.</summary>
    [Id(0)] public IReadOnlyDictionary<string, IReadOnlyList<DeviceSlot>> Silos { get; init; } = new Dictionary<string, IReadOnlyList<DeviceSlot>>();
    [Id(1)] public IReadOnlyList<DeviceLease> Active { get; init; } = Array.Empty<DeviceLease>();
    /// <summary>The most recent leases granted, the active ones last (released ones carry ReleasedAt); a study's own
    /// are all in its snapshot.</summary>
    [Id(2)] public IReadOnlyList<DeviceLease> History { get; init; } = Array.Empty<DeviceLease>();
}
