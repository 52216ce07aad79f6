using System.CommandLine;
using DeiT.Tuning.Cli.Commands.Bench.TrainStep;

namespace DeiT.Tuning.Cli.Commands.Bench;

/// <summary>`deit-tune bench`: micro-benchmarks of the training library on this machine.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmark training on this machine");
        command.Subcommands.Add(TrainStepCommand.Create());
        return command;
    }
}
