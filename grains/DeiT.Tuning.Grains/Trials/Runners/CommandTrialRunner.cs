using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>
/// Runs the study's argv template as a child process whose stdout lines are epoch reports (see
/// <see cref="EpochLineParser"/>); it is killed when the study answers Stop. A non-zero exit is a failure carrying
/// stderr's last lines.
/// </summary>
public sealed class CommandTrialRunner : ITrialRunner
{
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
        return EpochReportingProcess.Run(context, argv, Dialect.Instance, onEpoch, cancellationToken);
    }

    private sealed class Dialect : IReportDialect
    {
        public static readonly Dialect Instance = new();

        public string What => "command";
        public bool TalksBack => false;
        public TimeSpan? SilenceLimit => null;
        public IEnumerable<string> Greeting => [];
        public string? Continue(EpochMetrics metrics) => null;

        public ReportLine Parse(string line) =>
            EpochLineParser.TryParse(line, out var metrics) ? new ReportLine.Report(metrics) : new ReportLine.Other();
    }
}
