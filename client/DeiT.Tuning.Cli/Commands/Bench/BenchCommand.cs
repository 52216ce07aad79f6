using System.CommandLine;
using DeiT.Tuning.Cli.Commands.Bench.Loader;
using DeiT.Tuning.Cli.Commands.Bench.Samplers;
using DeiT.Tuning.Cli.Commands.Bench.StudyStorage;
using DeiT.Tuning.Cli.Commands.Bench.TrainStep;

namespace DeiT.Tuning.Cli.Commands.Bench;

/// <summary>`deit-tune bench`: measurements of the platform's parts, one subcommand each.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks of the platform's parts (training step, input pipeline, samplers, study storage)");
        command.Subcommands.Add(TrainStepCommand.Create());
        command.Subcommands.Add(LoaderCommand.Create());
        command.Subcommands.Add(SamplersCommand.Create());
        command.Subcommands.Add(StudyStorageCommand.Create());
        return command;
    }
}
