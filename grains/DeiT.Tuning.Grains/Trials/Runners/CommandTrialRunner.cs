using System.Collections.Concurrent;
using System.Diagnostics;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>
/// Runs the study's argv template as a child process (no shell), reads its epoch lines from stdout and kills it
/// when the study answers Stop or the silo shuts down. A non-zero exit is a failure carrying stderr's last lines.
/// It runs in the silo's DataRoot.
/// </summary>
public sealed class CommandTrialRunner : ITrialRunner
{
    private const int StderrLinesKept = 5;

    public RunnerResult Run(RunnerContext context, Func<EpochMetrics, EpochVerdict> onEpoch, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> argv;
        try
        {
            argv = CommandLineTemplate.Expand(context.Assignment.Runner.Command, CommandLineTemplate.Values(context));
        }
        catch (ArgumentException e)
        {
            return new RunnerResult(RunnerEnd.Failed, e.Message);
        }
        var start = new ProcessStartInfo(ParentDeathSignal.Wrapper ?? argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Relative paths in the command resolve against the silo's DataRoot; {checkpoint_dir} names the trial's folder.
            WorkingDirectory = Path.GetFullPath(context.DataRoot),
        };
        if (ParentDeathSignal.Wrapper is not null) foreach (var arg in ParentDeathSignal.WrapperArguments) start.ArgumentList.Add(arg);
        foreach (var arg in ParentDeathSignal.Wrapper is null ? argv.Skip(1) : argv) start.ArgumentList.Add(arg);
        start.Environment["DEIT_TUNE_DEVICE"] = context.TorchDevice;
        start.Environment["DEIT_TUNE_SLOT"] = context.Assignment.Lease.Device; // the leased slot, e.g. cpu:1 or cuda:0
        start.Environment["OMP_NUM_THREADS"] = Math.Max(1, context.Threads).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var stderr = new Queue<string>();
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr)
            {
                stderr.Enqueue(e.Data);
                if (stderr.Count > StderrLinesKept) stderr.Dequeue();
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
        using var kill = cancellationToken.Register(() => Kill(process));

        // Lines are read (and journaled) as they come, independently of how long the study takes to answer: a command
        // runs ahead of its reports while the study is unreachable, and what it printed must not die in the pipe.
        using var reports = new BlockingCollection<EpochMetrics>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                reports.CompleteAdding();
                return;
            }
            if (!EpochLineParser.TryParse(e.Data, out var metrics)) return;
            context.Journal?.Append(metrics);
            reports.Add(metrics);
        };
        process.BeginOutputReadLine();

        var stopped = false;
        foreach (var metrics in reports.GetConsumingEnumerable())
        {
            if (stopped) continue;
            if (onEpoch(metrics) == EpochVerdict.Stop)
            {
                stopped = true;
                Kill(process);
            }
        }
        process.WaitForExit();
        if (cancellationToken.IsCancellationRequested) return new RunnerResult(RunnerEnd.Cancelled);
        if (stopped) return new RunnerResult(RunnerEnd.Stopped);
        if (process.ExitCode != 0)
        {
            string tail;
            lock (stderr) tail = string.Join(" | ", stderr);
            return new RunnerResult(RunnerEnd.Failed, $"command exited with code {process.ExitCode}{(tail.Length > 0 ? ": " + tail : "")}");
        }
        return new RunnerResult(RunnerEnd.Completed);
    }

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
