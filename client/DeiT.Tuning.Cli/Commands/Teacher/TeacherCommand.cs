using System.CommandLine;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Cli.Training;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Cli.Commands.Teacher;

/// <summary>`deit-tune teacher train`: train a ConvNet teacher with the same engine and save it for distillation.</summary>
public static class TeacherCommand
{
    /// <summary>A ConvNet's recipe for a few epochs: AdamW + cosine as DeiT without warmup, and no Mixup/CutMix, RandAugment,
    /// erasing or drop path unless asked.</summary>
    public static readonly DeitRecipe Defaults = new()
    {
        Epochs = 5,
        BatchSize = 128,
        BaseLr = 2e-3,
        WarmupEpochs = 0,
        RandAugOps = 0,
        MixupAlpha = 0,
        CutmixAlpha = 0,
        ErasingProb = 0,
        DropPath = 0,
    };

    public static Command Create()
    {
        var teacher = new Command("teacher", "ConvNet teachers for DeiT distillation");
        var train = new Command("train", "Train a ConvNet teacher and save it as safetensors (--out)");
        var options = new TrainingOptions(Defaults, defaultModel: "convnet_small", outRequired: true);
        options.AddTo(train);
        train.SetAction((result, cancellationToken) =>
        {
            var (job, run) = options.Read(result);
            return TrainingConsole.RunAsync("teacher train", job, run, result.GetValue(GlobalOptions.Json), cancellationToken);
        });
        teacher.Subcommands.Add(train);
        return teacher;
    }
}
