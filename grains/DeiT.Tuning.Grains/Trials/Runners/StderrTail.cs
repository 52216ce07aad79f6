using System.Text.RegularExpressions;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>
/// The last few lines a child wrote on stderr, for a failed trial's reason. .NET stack frames ("   at …") are skipped:
/// an unhandled exception prints its headline first and dozens of frames after it, and the headline is what says why
/// ("Unhandled exception. System.OutOfMemoryException: …").
/// </summary>
public sealed partial class StderrTail(int linesKept)
{
    private readonly Queue<string> lines = new();

    public void Add(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || StackFrame().IsMatch(line)) return;
        lock (lines)
        {
            lines.Enqueue(line.Trim());
            if (lines.Count > linesKept) lines.Dequeue();
        }
    }

    public override string ToString()
    {
        lock (lines) return string.Join(" | ", lines);
    }

    [GeneratedRegex(@"^\s+at \S|^\s*--- End of ")]
    private static partial Regex StackFrame();
}
