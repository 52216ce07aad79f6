using System.Text;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Worker.Protocol;

namespace DeiT.Tuning.Worker;

/// <summary>
/// Runs one trial attempt: reads the start message on stdin, trains with the engine's <see cref="Trainer"/> (which
/// checkpoints every epoch and resumes from the newest checkpoint), writes each epoch and waits for the silo's verdict.
/// Everything the worker prints besides protocol lines goes to stderr. Exit code 0: an outcome was written.
/// </summary>
public static class TrialWorker
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(2);

    public static int Run(Stream input, Stream output)
    {
        using var reader = new StreamReader(input, Encoding.UTF8);
        var writer = new ProtocolWriter(output);
        // Anything else that writes to Console.Out must not interleave with protocol lines.
        Console.SetOut(Console.Error);

        if (ReadStart(reader) is not { } start) return 2;
        using var heartbeat = new Timer(_ => writer.TrySend(new HeartbeatMessage()), null, HeartbeatInterval, HeartbeatInterval);
        try
        {
            if (start.Fault is { AtEpoch: <= 1 } fault) Crash(fault);
            var outcome = new Trainer().Run(start.Job, start.Run, report => OnEpoch(report, start, reader, writer), progress: null, CancellationToken.None);
            writer.Send(outcome switch
            {
                TrainingOutcome.Completed => new OutcomeMessage(WorkerEnd.Completed, TestTop1: BestWeightsTest.Score(start.Job, start.Run)),
                TrainingOutcome.Stopped => new OutcomeMessage(WorkerEnd.Stopped),
                TrainingOutcome.Diverged d => new OutcomeMessage(WorkerEnd.Diverged, $"diverged at epoch {d.Epoch}, step {d.Step}: {d.Reason}"),
                _ => new OutcomeMessage(WorkerEnd.Failed, "training was cancelled"),
            });
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            writer.Send(new OutcomeMessage(WorkerEnd.Failed, $"{e.GetType().Name}: {e.Message}"));
            return 1;
        }
    }

    private static StartMessage? ReadStart(StreamReader reader)
    {
        var line = reader.ReadLine();
        if (line is null)
        {
            Console.Error.WriteLine("deit-tune-worker: no start message on stdin (this program is started by a deit-tune silo)");
            return null;
        }
        if (WorkerProtocol.Read(line) is not StartMessage start)
        {
            Console.Error.WriteLine($"deit-tune-worker: the first line must be a start message of protocol version {WorkerProtocol.Version}");
            return null;
        }
        if (start.Version != WorkerProtocol.Version)
        {
            Console.Error.WriteLine($"deit-tune-worker: the silo speaks protocol version {start.Version}, this worker {WorkerProtocol.Version}: deploy the silo and worker from one build");
            return null;
        }
        return start;
    }

    private static EpochDecision OnEpoch(EpochReport report, StartMessage start, StreamReader reader, ProtocolWriter writer)
    {
        // For the trial's log (stderr); the silo reads the protocol line below.
        Console.Error.WriteLine(FormattableString.Invariant(
            $"epoch {report.Epoch}: val top1 {report.Validation.Top1:0.####} top5 {report.Validation.Top5:0.####} loss {report.Validation.Loss:0.####}, train loss {report.TrainLoss:0.####}, {report.ImagesPerSecond:0.#} img/s, {report.EpochTime.TotalSeconds:0.#} s"));
        writer.Send(new EpochMessage(report.Epoch, report.Validation.Top1, report.Validation.Top5, report.Validation.Loss,
            report.TrainLoss, report.ImagesPerSecond, report.EpochTime.TotalSeconds));
        while (reader.ReadLine() is { } line)
        {
            if (WorkerProtocol.Read(line) is not VerdictMessage verdict || verdict.Epoch != report.Epoch) continue;
            if (verdict.Stop) return EpochDecision.Stop;
            if (start.Fault is { } fault && fault.AtEpoch == report.Epoch + 1) Crash(fault);
            return EpochDecision.Continue;
        }
        // stdin closed: the silo is gone (its death signal normally ends this process first); the checkpoint is on disk.
        Environment.Exit(3);
        return EpochDecision.Stop;
    }

    private static void Crash(WorkerFault fault)
    {
        Console.Error.WriteLine($"deit-tune-worker: test fault {fault.Kind} at epoch {fault.AtEpoch}");
        if (fault.Kind == WorkerFaultKind.Abort) NativeAbort.Abort();
        System.Diagnostics.Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }
}
