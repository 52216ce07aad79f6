using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>
/// MaxTrialMemory for a trial's process: RLIMIT_DATA set by util-linux's prlimit, which then execs the command (the
/// pid, and so the exit status, stay the child's). RLIMIT_DATA counts memory the process writes into (heap,
/// anonymous mappings), not address space it merely reserves: RLIMIT_AS counts the .NET GC's and libtorch's
/// reservations, and below about 4–6 GB the worker could not even start. Past the limit malloc fails: libtorch
/// throws, or the runtime aborts. (A delegated cgroup v2 would be the stronger tool; hosts here have cgroup v1.)
/// </summary>
public static class TrialMemoryLimit
{
    public static string? Prlimit { get; } = OperatingSystem.IsLinux()
        ? new[] { "/usr/bin/prlimit", "/bin/prlimit" }.FirstOrDefault(File.Exists)
        : null;

    public static IReadOnlyList<string> Wrapper(long bytes) => [Prlimit!, $"--data={bytes}", "--"];

    /// <summary>A failure under the limit reads "out of memory: limit 1.5 GB (…)" when it looks like one.</summary>
    public static string Explain(string reason, long bytes) =>
        OutOfMemoryMarks.Any(mark => reason.Contains(mark, StringComparison.OrdinalIgnoreCase))
            ? $"out of memory: limit {MemorySize.Format(bytes)} ({reason.Split('\n')[0].TrimEnd()})" // libtorch's first line, not its stack
            : reason;

    // An allocation that fails aborts the .NET runtime (signal 6) or kills a process outright; libtorch and .NET say so.
    private static readonly string[] OutOfMemoryMarks =
        ["signal 6", "signal 9", "OutOfMemory", "out of memory", "can't allocate memory", "Cannot allocate memory", "bad_alloc"];
}
