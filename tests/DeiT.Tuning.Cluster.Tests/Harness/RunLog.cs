namespace DeiT.Tuning.Cluster.Tests.Harness;

/// <summary>What the training script logged for one trial: every epoch it started and finished, by process.</summary>
public sealed record RunLog(int Trial, IReadOnlyList<(string Event, int Epoch, int Pid)> Lines)
{
    public static RunLog Read(string checkpointRoot, string study, int trial)
    {
        var path = Path.Combine(checkpointRoot, study, $"trial-{trial:D4}", "runs.log");
        var lines = File.Exists(path)
            ? File.ReadAllLines(path).Select(l => l.Split(' ')).Where(p => p.Length == 3)
                .Select(p => (p[0], int.Parse(p[1]), int.Parse(p[2]))).ToList()
            : [];
        return new RunLog(trial, lines);
    }

    public int EpochsStarted => Lines.Count(l => l.Event == "start");
    public IReadOnlyList<int> Processes => Lines.Select(l => l.Pid).Distinct().ToList();

    /// <summary>Epochs trained more than once: started epochs beyond the trial's length.</summary>
    public int Redone(int epochs) => EpochsStarted - epochs;

    /// <summary>
    /// For every process after the first: the checkpoint epoch it resumed after, the last epoch an earlier process
    /// finished (its checkpoint was written before "done") and the last one an earlier process started. Resuming
    /// from the last checkpoint means finished ≤ resumed ≤ started (a process can die between its checkpoint and
    /// its "done" line).
    /// </summary>
    public IEnumerable<(int Pid, int Resumed, int Finished, int Started)> Resumptions()
    {
        int finished = 0, started = 0;
        var first = true;
        foreach (var (e, epoch, pid) in Lines)
        {
            if (e == "resume" && !first) yield return (pid, epoch, finished, started);
            if (e == "resume") first = false;
            if (e == "done") finished = Math.Max(finished, epoch);
            if (e == "start") started = Math.Max(started, epoch);
        }
    }
}
