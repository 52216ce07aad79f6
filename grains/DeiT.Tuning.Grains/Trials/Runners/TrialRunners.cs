using DeiT.Tuning.Abstractions.Studies;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>The runner for each runner kind (a silo-wide singleton).</summary>
public sealed class TrialRunners(CommandTrialRunner command, DeitTrialRunner deit)
{
    public ITrialRunner For(RunnerKind kind) => kind switch
    {
        RunnerKind.Command => command,
        RunnerKind.Deit => deit,
        _ => throw new NotSupportedException($"runner kind {kind} is not available on this silo"),
    };
}
