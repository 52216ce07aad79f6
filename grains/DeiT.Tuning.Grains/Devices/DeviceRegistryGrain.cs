using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Devices;

[GenerateSerializer, Alias("deit.DeviceRegistryState")]
public sealed class DeviceRegistryState
{
    [Id(0)] public Dictionary<string, SiloDevices> Silos { get; set; } = [];
    [Id(1)] public List<DeviceLease> Active { get; set; } = [];
    [Id(2)] public List<DeviceLease> History { get; set; } = [];
}

[GenerateSerializer, Immutable, Alias("deit.SiloDevices")]
public sealed record SiloDevices(
    [property: Id(0)] IReadOnlyList<DeviceSlot> Devices,
    [property: Id(1)] bool AllowsExternalCommands,
    [property: Id(2)] DateTimeOffset RegisteredAt);

/// <summary>
/// Grants device leases for the whole cluster. Every change is persisted before the caller hears of it, so a lease
/// survives the registry moving to another silo; leases of silos that left the cluster are released. It keeps the
/// last <see cref="HistoryLimit"/> released leases (every study keeps all of its own), so its state, written on every
/// lease, does not grow with the cluster's age.
/// </summary>
public sealed class DeviceRegistryGrain(
    [PersistentState("devices", StorageNames.Default)] IPersistentState<DeviceRegistryState> state,
    IClusterMembershipService membership) : Grain, IDeviceRegistryGrain
{
    public const int HistoryLimit = 1000;
    private static readonly TimeSpan UnknownSiloGrace = TimeSpan.FromMinutes(2);

    private DeviceRegistryState S => state.State;

    public async Task Register(string silo, IReadOnlyList<DeviceSlot> devices, bool allowsExternalCommands)
    {
        S.Silos[silo] = new SiloDevices(devices, allowsExternalCommands, DateTimeOffset.UtcNow);
        ForgetDeadSilos();
        await state.WriteStateAsync();
    }

    public async Task<DeviceLease?> Acquire(string trialKey, int attempt, bool needsExternalCommands)
    {
        var changed = ForgetDeadSilos();
        var existing = S.Active.FirstOrDefault(l => l.TrialKey == trialKey && l.Attempt == attempt);
        if (existing is not null)
        {
            if (changed) await state.WriteStateAsync();
            return existing;
        }
        var candidates =
            from silo in S.Silos
            where IsActive(silo.Key)
            let busy = S.Active.Where(l => l.Silo == silo.Key).Select(l => l.Device).ToHashSet()
            let free = silo.Value.Devices.Where(d => !busy.Contains(d.Device)).ToList()
            where free.Count > 0
            // Silos that may run external commands first; others refuse such trials with a recorded reason.
            orderby needsExternalCommands && !silo.Value.AllowsExternalCommands, free.Count descending, silo.Key
            select (Silo: silo.Key, Slot: free[0]);
        var (siloKey, slot) = candidates.FirstOrDefault();
        if (slot is null)
        {
            if (changed) await state.WriteStateAsync();
            return null;
        }
        var lease = new DeviceLease
        {
            Silo = siloKey, Device = slot.Device, Threads = slot.Threads, TrialKey = trialKey, Attempt = attempt,
            AcquiredAt = DateTimeOffset.UtcNow,
        };
        S.Active.Add(lease);
        await state.WriteStateAsync();
        return lease;
    }

    public async Task Release(string trialKey, int attempt)
    {
        var lease = S.Active.FirstOrDefault(l => l.TrialKey == trialKey && l.Attempt == attempt);
        if (lease is null) return;
        Retire(lease);
        await state.WriteStateAsync();
    }

    public async Task<DeviceInventory> GetInventory()
    {
        if (ForgetDeadSilos()) await state.WriteStateAsync();
        return new DeviceInventory
        {
            Silos = S.Silos.Where(s => IsActive(s.Key)).ToDictionary(s => s.Key, s => s.Value.Devices),
            Active = S.Active.ToList(),
            History = S.History.Concat(S.Active).ToList(),
        };
    }

    private bool IsActive(string silo) => membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) == SiloStatus.Active;

    private void Retire(DeviceLease lease)
    {
        S.Active.Remove(lease);
        S.History.Add(lease with { ReleasedAt = DateTimeOffset.UtcNow });
        if (S.History.Count > HistoryLimit) S.History.RemoveRange(0, S.History.Count - HistoryLimit);
    }

    /// <summary>
    /// Drops silos the membership declared dead, or never heard of long after they registered (an earlier run of
    /// the cluster), with their leases. A silo that just joined may not be in this silo's view yet: it is kept.
    /// </summary>
    private bool ForgetDeadSilos()
    {
        var snapshot = membership.CurrentSnapshot;
        var now = DateTimeOffset.UtcNow;
        var dead = S.Silos.Where(s => snapshot.GetSiloStatus(SiloAddress.FromParsableString(s.Key)) switch
        {
            SiloStatus.Dead => true,
            SiloStatus.None => now - s.Value.RegisteredAt > UnknownSiloGrace,
            _ => false,
        }).Select(s => s.Key).ToList();
        foreach (var silo in dead) S.Silos.Remove(silo);
        var orphaned = S.Active.Where(l => !S.Silos.ContainsKey(l.Silo)).ToList();
        foreach (var lease in orphaned) Retire(lease);
        return dead.Count > 0 || orphaned.Count > 0;
    }
}
