namespace DeiT.Tuning.Dashboard.Api;

/// <summary>The end of a trial's log file; <see cref="Missing"/> says why there are no lines.</summary>
public sealed record TrialLogDocument(string? Path, IReadOnlyList<string>? Lines, string? Missing);

/// <summary>Reads the last lines of a trial's log (trial.log in its checkpoint folder), which its silo may still be writing.</summary>
public static class TrialLogTail
{
    public const int MaxLines = 5000;
    private const string AskTellHasNone = "an ask-and-tell trial runs outside the cluster and has no log";

    /// <summary>The last <paramref name="lines"/> of the log at <paramref name="path"/>; <paramref name="missing"/>
    /// says why there is none (an ask-and-tell trial never has one).</summary>
    public static TrialLogDocument Read(string path, int lines, bool askAndTell, string missing)
    {
        if (!File.Exists(path)) return new TrialLogDocument(path, null, askAndTell ? AskTellHasNone : missing);
        var tail = new Queue<string>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            tail.Enqueue(line);
            if (tail.Count > Math.Clamp(lines, 0, MaxLines)) tail.Dequeue();
        }
        return new TrialLogDocument(path, tail.ToList(), null);
    }
}
