using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>The runner for each runner kind (a silo-wide singleton): DeiT trials run in worker processes unless InProcessTrials.</summary>
public sealed class TrialRunners(CommandTrialRunner command, WorkerTrialRunner worker, DeitTrialRunner inProcess, IOptions<TuningSiloOptions> options)
{
    public ITrialRunner For(RunnerKind kind) => kind switch
    {
        RunnerKind.Command => command,
        RunnerKind.Deit => options.Value.InProcessTrials ? inProcess : worker,
        _ => throw new NotSupportedException($"runner kind {kind} is not available on this silo"),
    };
}
