using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Grains.Devices;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>The registry's own cluster: its state is the cluster-wide one, so no other test shares it.</summary>
public sealed class DeviceRegistryTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>
{
    [Fact]
    public async Task The_registry_keeps_a_bounded_history_of_released_leases()
    {
        var registry = fixture.Client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key);
        const int leases = DeviceRegistryGrain.HistoryLimit + 50;
        for (var i = 0; i < leases; i++)
        {
            Assert.NotNull(await registry.Acquire($"bound/{i}", 1, needsExternalCommands: false));
            await registry.Release($"bound/{i}", 1);
        }
        var held = await registry.Acquire("bound/held", 1, needsExternalCommands: false);

        var inventory = await registry.GetInventory();
        Assert.Equal(held, Assert.Single(inventory.Active));
        Assert.Equal(DeviceRegistryGrain.HistoryLimit + 1, inventory.History.Count);
        Assert.Equal(Enumerable.Range(50, DeviceRegistryGrain.HistoryLimit).Select(i => $"bound/{i}").Append("bound/held"), inventory.History.Select(l => l.TrialKey));
        Assert.All(inventory.History.SkipLast(1), l => Assert.NotNull(l.ReleasedAt));
    }
}
