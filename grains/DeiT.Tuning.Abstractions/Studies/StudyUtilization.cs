namespace DeiT.Tuning.Abstractions.Studies;

/// <summary>
/// How busy the devices were: seconds devices spent running trials ÷ (wall time × devices), where wall time runs
/// from the first trial's start to the last trial's end (or now) and devices are those the study leased (at most
/// its parallelism).
/// </summary>
public sealed record StudyUtilization(double DeviceSeconds, double WallSeconds, int Devices)
{
    public double BusyFraction => WallSeconds > 0 && Devices > 0 ? DeviceSeconds / (WallSeconds * Devices) : 0;

    public static StudyUtilization Of(StudySnapshot snapshot)
    {
        var run = snapshot.Trials.Where(t => !t.External && t.StartedAt is not null).ToList();
        if (run.Count == 0) return new StudyUtilization(0, 0, 0);
        var start = run.Min(t => t.StartedAt!.Value);
        var end = run.Any(t => !t.IsFinished) ? DateTimeOffset.UtcNow : run.Max(t => t.FinishedAt ?? DateTimeOffset.UtcNow);
        var devices = Math.Min(snapshot.Spec.Parallel, snapshot.Leases.Select(l => (l.Silo, l.Device)).Distinct().Count());
        return new StudyUtilization(run.Sum(t => t.DeviceSeconds), (end - start).TotalSeconds, devices);
    }
}
