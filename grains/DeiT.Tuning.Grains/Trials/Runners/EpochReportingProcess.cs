using System.Collections.Concurrent;
using System.Diagnostics;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>
/// Runs a child process (no shell) that reports epochs on stdout: a study's external command or the trial worker.
/// Reports are journaled as they are read, handed to the study one at a time, and the child is killed when the study
/// answers Stop, when the trial is stopped, when its wall-clock limit passes, when a child that heartbeats falls silent,
/// or when the silo lets the attempt go.
/// It dies with its silo (parent-death signal) and runs in the silo's DataRoot.
/// </summary>
public static class EpochReportingProcess
{
    private const int StderrLinesKept = 5;

    public static RunnerResult Run(RunnerContext context, IReadOnlyList<string> argv, IReportDialect dialect,
        Func<EpochMetrics, EpochVerdict> onEpoch, CancellationToken cancellationToken)
    {
        var wrapped = new List<string>();
        if (context.MemoryLimit is { } memory)
        {
            if (TrialMemoryLimit.Prlimit is null) return new RunnerResult(RunnerEnd.Failed, "MaxTrialMemory is set but this silo host has no prlimit (util-linux) to apply it");
            wrapped.AddRange(TrialMemoryLimit.Wrapper(memory));
        }
        if (ParentDeathSignal.Wrapper is not null) wrapped.AddRange([ParentDeathSignal.Wrapper, .. ParentDeathSignal.WrapperArguments]);
        wrapped.AddRange(argv);
        var start = new ProcessStartInfo(wrapped[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = dialect.TalksBack,
            UseShellExecute = false,
            // Relative paths in a command resolve against the silo's DataRoot; {checkpoint_dir} names the trial's folder.
            WorkingDirectory = Path.GetFullPath(context.DataRoot),
        };
        foreach (var arg in wrapped.Skip(1)) start.ArgumentList.Add(arg);
        start.Environment["DEIT_TUNE_DEVICE"] = context.TorchDevice;
        start.Environment["DEIT_TUNE_SLOT"] = context.Assignment.Lease.Device; // the leased slot, e.g. cpu:1 or cuda:0
        start.Environment["OMP_NUM_THREADS"] = Math.Max(1, context.Threads).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var stderr = new StderrTail(StderrLinesKept);
        using var log = TrialLog.Open(context.CheckpointDirectory, TrialLog.Header(context, argv));
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            stderr.Add(e.Data);
            log.Write(e.Data);
        };
        // Lines are read (and journaled) as they come, independently of how long the study takes to answer: a command
        // runs ahead of its reports while the study is unreachable, and what it printed must not die in the pipe.
        using var reports = new BlockingCollection<EpochMetrics>();
        RunnerResult? told = null;
        var lastWord = Stopwatch.StartNew();
        process.OutputDataReceived += (_, e) =>
        {
            lock (lastWord) lastWord.Restart();
            if (e.Data is null)
            {
                reports.CompleteAdding();
                return;
            }
            switch (dialect.Parse(e.Data))
            {
                case ReportLine.Report report:
                    context.Journal?.Append(report.Metrics);
                    reports.Add(report.Metrics);
                    break;
                case ReportLine.Outcome outcome:
                    told = outcome.Result;
                    break;
                case ReportLine.Other:
                    log.Write(e.Data);
                    break;
            }
        };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new RunnerResult(RunnerEnd.Failed, $"cannot start '{argv[0]}': {e.Message}");
        }
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var stopped = false;
        using var kill = cancellationToken.Register(() => Kill(process));
        using var stop = context.Stop.Register(() =>
        {
            stopped = true;
            Kill(process);
        });
        var timedOut = false;
        using var limit = context.WallClockLimit is { } wallClock
            ? new Timer(_ =>
            {
                timedOut = true;
                Kill(process);
            }, null, wallClock, Timeout.InfiniteTimeSpan)
            : null;
        var hung = false;
        using var silence = dialect.SilenceLimit is { } silenceLimit
            ? new Timer(_ =>
            {
                lock (lastWord) if (lastWord.Elapsed < silenceLimit) return;
                hung = true;
                Kill(process);
            }, null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5))
            : null;
        if (dialect.TalksBack) Say(process, dialect.Greeting);

        var epochs = 0;
        foreach (var metrics in reports.GetConsumingEnumerable())
        {
            epochs = Math.Max(epochs, metrics.Epoch);
            if (stopped || timedOut || hung) continue;
            if (onEpoch(metrics) == EpochVerdict.Stop)
            {
                stopped = true;
                Kill(process);
            }
            else if (dialect.TalksBack && dialect.Continue(metrics) is { } answer)
            {
                Say(process, [answer]);
            }
        }
        process.WaitForExit();
        if (cancellationToken.IsCancellationRequested) return new RunnerResult(RunnerEnd.Cancelled);
        if (timedOut) return new RunnerResult(RunnerEnd.Failed, $"exceeded the trial time limit of {DurationText(context.WallClockLimit!.Value)} at epoch {epochs + 1}");
        if (stopped) return new RunnerResult(RunnerEnd.Stopped);
        if (hung) return new RunnerResult(RunnerEnd.Failed, $"{dialect.What} hung (silent for {DurationText(dialect.SilenceLimit!.Value)}) at epoch {epochs + 1}: killed");
        var result = process.ExitCode == 0 ? told ?? new RunnerResult(RunnerEnd.Completed)
            : new RunnerResult(RunnerEnd.Failed, told is { End: RunnerEnd.Failed, Reason: { } toldReason }
                ? toldReason
                : ExitReason.Describe(dialect.What, process.ExitCode, epochs, stderr.ToString()));
        return result is { End: RunnerEnd.Failed, Reason: { } failure } && context.MemoryLimit is { } bytes
            ? result with { Reason = TrialMemoryLimit.Explain(failure, bytes) }
            : result;
    }

    private static void Say(Process process, IEnumerable<string> lines)
    {
        try
        {
            foreach (var line in lines) process.StandardInput.WriteLine(line);
            process.StandardInput.Flush();
        }
        catch (IOException)
        {
            // The child is gone; its exit status tells why.
        }
    }

    private static string DurationText(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.##} h" : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.##} min" : $"{span.TotalSeconds:0.##} s";

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
