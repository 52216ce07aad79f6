using System.CommandLine;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Cli.Training;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Cli.Commands.Train;

/// <summary>`deit-tune train`: train one DeiT with the DeiT recipe (every field an option), optionally distilled.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Train one DeiT on a dataset with the DeiT recipe (optionally distilled from a teacher)");
        var options = new TrainingOptions(new DeitRecipe(), defaultModel: null, outRequired: false);
        options.AddTo(command);
        command.SetAction((result, cancellationToken) =>
        {
            var (job, run) = options.Read(result);
            return TrainingConsole.RunAsync("train", job, run, result.GetValue(GlobalOptions.Json), cancellationToken);
        });
        return command;
    }
}
