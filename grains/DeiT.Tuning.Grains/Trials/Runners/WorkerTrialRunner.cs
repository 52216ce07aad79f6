using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Worker.Protocol;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>
/// Trains the trial's DeiT in its own deit-tune-worker process (one per attempt), speaking <see cref="WorkerProtocol"/>
/// on its stdin/stdout: libtorch's global state (its generator, its caches) is the attempt's alone, and a native crash
/// ends the attempt, not the silo.
/// </summary>
public sealed class WorkerTrialRunner(WorkerExecutable executable) : ITrialRunner
{
    public RunnerResult Run(RunnerContext context, Func<EpochMetrics, EpochVerdict> onEpoch, CancellationToken cancellationToken)
    {
        StartMessage start;
        try
        {
            start = new StartMessage(WorkerProtocol.Version, context.Assignment.TrialKey, DeitTrialRunner.Job(context), DeitTrialRunner.RunOptions(context))
            {
                Fault = context.Fault,
            };
        }
        catch (ArgumentException e)
        {
            return new RunnerResult(RunnerEnd.Failed, e.Message);
        }
        if (executable.Command is not { } argv)
            return new RunnerResult(RunnerEnd.Failed, executable.Missing);
        return EpochReportingProcess.Run(context, argv, new Dialect(start), onEpoch, cancellationToken);
    }

    private sealed class Dialect(StartMessage start) : IReportDialect
    {
        public string What => "worker";
        public bool TalksBack => true;
        // The worker heartbeats every 2 s from its own thread, also during a long epoch.
        public TimeSpan? SilenceLimit => TimeSpan.FromMinutes(2);
        public IEnumerable<string> Greeting => [WorkerProtocol.Write(start)];
        public string? Continue(EpochMetrics metrics) => WorkerProtocol.Write(new VerdictMessage(metrics.Epoch, Stop: false));

        public ReportLine Parse(string line) => WorkerProtocol.Read(line) switch
        {
            EpochMessage e => new ReportLine.Report(new EpochMetrics
            {
                Epoch = e.Epoch,
                Top1 = e.Top1,
                Top5 = e.Top5,
                Loss = e.Loss,
                TrainLoss = e.TrainLoss,
                ImagesPerSecond = e.ImagesPerSecond,
                Seconds = e.Seconds,
            }),
            OutcomeMessage o => new ReportLine.Outcome(o.End switch
            {
                WorkerEnd.Completed => new RunnerResult(RunnerEnd.Completed, TestTop1: o.TestTop1),
                WorkerEnd.Stopped => new RunnerResult(RunnerEnd.Stopped),
                _ => new RunnerResult(RunnerEnd.Failed, o.Reason ?? "the worker failed"),
            }),
            HeartbeatMessage => new ReportLine.Alive(),
            _ => new ReportLine.Other(),
        };
    }
}
