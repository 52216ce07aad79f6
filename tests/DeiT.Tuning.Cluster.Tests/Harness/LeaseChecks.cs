using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Cluster.Tests.Harness;

public static class LeaseChecks
{
    /// <summary>For every device of every silo incarnation, the leases' time intervals are disjoint.</summary>
    public static void NoDeviceSharedAtOnce(IEnumerable<DeviceLease> leases)
    {
        foreach (var device in leases.GroupBy(l => (l.Silo, l.Device)))
        {
            var ordered = device.OrderBy(l => l.AcquiredAt).ToList();
            for (var i = 1; i < ordered.Count; i++)
                Assert.True(ordered[i - 1].ReleasedAt is { } released && released <= ordered[i].AcquiredAt,
                    $"{device.Key} leased to {ordered[i].TrialKey} while {ordered[i - 1].TrialKey} held it");
        }
    }
}
