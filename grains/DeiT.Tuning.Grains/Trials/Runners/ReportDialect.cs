using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>What a child process's stdout lines mean and what the silo writes back: an external command's key=value lines, or the worker's protocol.</summary>
public interface IReportDialect
{
    /// <summary>The name of the child in failure reasons ("command", "worker").</summary>
    string What { get; }

    /// <summary>Whether the child reads the silo's answers on stdin.</summary>
    bool TalksBack { get; }

    /// <summary>A child that heartbeats and says nothing for this long is hung and is killed (null: no heartbeats to expect).</summary>
    TimeSpan? SilenceLimit { get; }

    /// <summary>Written to stdin once the child started (only when <see cref="TalksBack"/>).</summary>
    IEnumerable<string> Greeting { get; }

    ReportLine Parse(string line);

    /// <summary>The line that lets the child go on after the study answered Continue (null: nothing to say).</summary>
    string? Continue(EpochMetrics metrics);
}

/// <summary>A stdout line: an epoch report, the child's own account of how it ended, a sign of life, or noise.</summary>
public abstract record ReportLine
{
    public sealed record Report(EpochMetrics Metrics) : ReportLine;
    public sealed record Outcome(RunnerResult Result) : ReportLine;
    public sealed record Alive : ReportLine;
    public sealed record Other : ReportLine;
}
