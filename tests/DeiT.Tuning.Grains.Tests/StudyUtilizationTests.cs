using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Tests;

public sealed class StudyUtilizationTests
{
    static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    static DeviceLease Lease(string device, int trial, int from, int? to) => new()
    {
        Silo = "s1", Device = device, TrialKey = $"s/{trial}", AcquiredAt = T0.AddSeconds(from), ReleasedAt = to is { } t ? T0.AddSeconds(t) : null,
    };

    static TrialRecord Trial(int number, double deviceSeconds, bool running = false) => new()
    {
        Number = number, StartedAt = T0, DeviceSeconds = deviceSeconds, Status = running ? TrialStatus.Running : TrialStatus.Completed,
    };

    static StudySnapshot Snapshot(IReadOnlyList<TrialRecord> trials, IReadOnlyList<DeviceLease> leases) => new()
    {
        Spec = new StudySpec { Name = "s", Runner = new TrialRunnerSpec(), Parallel = 2 }, Trials = trials, Leases = leases,
    };

    [Fact]
    public void Wall_time_is_the_time_a_lease_was_held_so_a_pause_between_runs_is_not_idle()
    {
        // Two devices busy 0–100 s, nothing held 100–1000 s (stopped, then extended), one device 1000–1100 s.
        var snapshot = Snapshot([Trial(0, 100), Trial(1, 100), Trial(2, 100)],
            [Lease("cpu:0", 0, 0, 100), Lease("cpu:1", 1, 10, 100), Lease("cpu:0", 2, 1000, 1100)]);
        var use = StudyUtilization.Of(snapshot, T0.AddSeconds(5000));
        Assert.Equal(200, use.WallSeconds, 9);
        Assert.Equal(2, use.Devices);
        Assert.Equal(300 / (200.0 * 2), use.BusyFraction, 9);
    }

    [Fact]
    public void A_lease_still_held_counts_up_to_now_and_nested_leases_count_once()
    {
        var snapshot = Snapshot([Trial(0, 50), Trial(1, 20, running: true)],
            [Lease("cpu:0", 0, 0, 50), Lease("cpu:1", 1, 10, 30), Lease("cpu:1", 1, 40, null)]);
        Assert.Equal(60, StudyUtilization.Of(snapshot, T0.AddSeconds(60)).WallSeconds, 9);
        Assert.Equal(0, StudyUtilization.Of(Snapshot([], []), T0).BusyFraction);
    }
}
