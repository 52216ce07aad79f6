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
    /// For every process after the first: the epoch it began with, and the last epoch checkpointed before it began.
    /// Resuming from the last checkpoint means first == checkpointed + 1.
    /// </summary>
    public IEnumerable<(int Pid, int FirstEpoch, int Checkpointed)> Resumptions()
    {
        var checkpointed = 0;
        var seen = new HashSet<int>();
        foreach (var (e, epoch, pid) in Lines)
        {
            if (seen.Add(pid) && seen.Count > 1) yield return (pid, epoch, checkpointed);
            if (e == "done") checkpointed = Math.Max(checkpointed, epoch);
        }
    }
}
