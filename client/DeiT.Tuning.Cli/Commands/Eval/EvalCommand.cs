using System.CommandLine;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Cli.Training;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Devices;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Models;
using TorchSharp;

namespace DeiT.Tuning.Cli.Commands.Eval;

/// <summary>`deit-tune eval`: top-1 / top-5 / loss of saved weights on the test or validation split.</summary>
public static class EvalCommand
{
    public sealed record Result(string Model, string Weights, string Dataset, string Split, double Top1, double Top5, double Loss, int Images, double WallTimeS);

    public static Command Create()
    {
        var command = new Command("eval", "Evaluate saved weights (safetensors) on a dataset split");
        var model = new Option<string?>("--model") { Description = "Model preset the weights belong to (default: the one named in the model card WEIGHTS.json beside them)" };
        var weights = new Option<string>("--weights") { Description = "Weights file (safetensors)", Required = true };
        var split = new Option<string>("--split") { Description = "test or val", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("test", "val");
        var batch = new Option<int>("--batch") { Description = "Evaluation batch size", DefaultValueFactory = _ => 256 };
        var data = new DataOptions();
        var run = new RunOptions();
        command.Options.Add(model);
        command.Options.Add(weights);
        command.Options.Add(split);
        command.Options.Add(batch);
        data.AddTo(command);
        run.AddTo(command);

        command.SetAction((result, cancellationToken) =>
        {
            var weightsPath = result.GetValue(weights)!;
            if (!File.Exists(weightsPath))
                throw new CliException($"--weights '{weightsPath}' does not exist; give a safetensors file saved by `deit-tune train --out`, `teacher train --out` or `best export`.");
            var modelName = result.GetValue(model) ?? CardModel(weightsPath);
            if (!ModelZoo.Names.Contains(modelName))
                throw new CliException($"--model '{modelName}' is unknown; use one of: {string.Join(", ", ModelZoo.Names)}.");
            var batchSize = result.GetValue(batch);
            if (batchSize < 1) throw new CliException($"--batch {batchSize} is invalid: it must be at least 1.");
            var spec = data.Read(result);
            var runOptions = run.Read(result);
            var splitName = result.GetValue(split)!;
            return Task.Factory.StartNew(() =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                CpuThreading.SetOpenMpWaitPolicy(OpenMpWaitPolicy.Passive);
                if (runOptions.Threads is { } threads) torch.set_num_threads(threads);
                var device = TorchRuntime.Resolve(runOptions.Device);
                var splits = DatasetCatalog.Load(spec);
                var images = splitName == "test" ? splits.Test : splits.Validation;
                var options = new ModelOptions { NumClasses = images.NumClasses, InChannels = images.Channels, ImageSize = images.Height };
                var classifier = ModelIo.LoadFrozen(modelName, options, weightsPath);
                using var _ = classifier.Module;
                classifier.Module.to(device);
                using var loader = new BatchLoader(images, new BatchLoaderOptions { BatchSize = batchSize, Workers = runOptions.LoaderWorkers });
                var evaluation = Evaluator.Evaluate(classifier, loader, device);
                var outcome = new Result(modelName, weightsPath, spec.Kind, splitName, evaluation.Top1, evaluation.Top5, evaluation.Loss, evaluation.Images, clock.Elapsed.TotalSeconds);
                if (result.GetValue(GlobalOptions.Json)) JsonOutput.Write(outcome);
                else Console.WriteLine(FormattableString.Invariant(
                    $"{modelName} on {spec.Kind} {splitName} ({evaluation.Images} images): top-1 {100 * evaluation.Top1:F2}%, top-5 {100 * evaluation.Top5:F2}%, loss {evaluation.Loss:F4}"));
                return 0;
            }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        });
        return command;
    }

    private static string CardModel(string weights)
    {
        try
        {
            return (ModelCard.ReadBeside(weights) ?? throw new CliException(
                $"--model is required: '{ModelCard.PathFor(weights)}' (the model card written beside weights by train and best export) does not exist.")).Model;
        }
        catch (InvalidDataException e)
        {
            throw new CliException(e.Message);
        }
    }
}
