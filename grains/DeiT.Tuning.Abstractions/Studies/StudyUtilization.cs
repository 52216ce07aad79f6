using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Abstractions.Studies;

/// <summary>
/// How busy the devices were: seconds devices spent running trials ÷ (wall time × devices), where wall time is the
/// time at least one of the study's device leases was held (so a pause between `search stop` and `resume`, or before
/// `search extend`, is not counted as idle) and devices are those the study leased (at most its parallelism).
/// </summary>
public sealed record StudyUtilization(double DeviceSeconds, double WallSeconds, int Devices)
{
    public double BusyFraction => WallSeconds > 0 && Devices > 0 ? DeviceSeconds / (WallSeconds * Devices) : 0;

    public static StudyUtilization Of(StudySnapshot snapshot) => Of(snapshot, DateTimeOffset.UtcNow);

    public static StudyUtilization Of(StudySnapshot snapshot, DateTimeOffset now)
    {
        var run = snapshot.Trials.Where(t => !t.External && t.StartedAt is not null).ToList();
        if (run.Count == 0) return new StudyUtilization(0, 0, 0);
        var devices = Math.Min(snapshot.Spec.Parallel, snapshot.Leases.Select(l => (l.Silo, l.Device)).Distinct().Count());
        return new StudyUtilization(run.Sum(t => t.DeviceSeconds), HeldSeconds(snapshot.Leases, now), devices);
    }

    /// <summary>Length of the union of the leases' [acquired, released] intervals (an unreleased lease runs to now).</summary>
    private static double HeldSeconds(IEnumerable<DeviceLease> leases, DateTimeOffset now)
    {
        double seconds = 0;
        DateTimeOffset? start = null, end = null;
        foreach (var (from, to) in leases.Select(l => (l.AcquiredAt, l.ReleasedAt ?? now)).OrderBy(i => i.AcquiredAt))
        {
            if (end is { } e && from <= e)
            {
                if (to > e) end = to;
                continue;
            }
            if (start is { } s && end is { } last) seconds += (last - s).TotalSeconds;
            (start, end) = (from, to);
        }
        if (start is { } first && end is { } final) seconds += (final - first).TotalSeconds;
        return seconds;
    }
}
