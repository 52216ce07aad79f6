using System.CommandLine;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Cli.Training;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Devices;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Models;
using TorchSharp;

namespace DeiT.Tuning.Cli.Commands.Eval;

/// <summary>`deit-tune eval`: top-1 / top-5 / loss of saved weights on the test or validation split, under one head of a
/// distilled model; optionally the fraction of images on which a second classifier's top-1 differs.</summary>
public static class EvalCommand
{
    public sealed record Result(string Model, string Weights, string Dataset, string Split, double Top1, double Top5, double Loss, int Images, double WallTimeS,
        string Head = "class", Comparison? Comparison = null);

    public sealed record Comparison(string Model, string Weights, string Head, double Disagreement, int Differing, double Top1);

    static readonly Dictionary<string, EvaluationHead> Heads = new()
    {
        ["class"] = EvaluationHead.Class, ["dist"] = EvaluationHead.Distillation, ["both"] = EvaluationHead.Both,
    };

    public static Command Create()
    {
        var command = new Command("eval", "Evaluate saved weights (safetensors) on a dataset split");
        var model = new Option<string?>("--model") { Description = "Model preset the weights belong to (default: the one named in the model card WEIGHTS.json beside them)" };
        var weights = new Option<string>("--weights") { Description = "Weights file (safetensors)", Required = true };
        var split = new Option<string>("--split") { Description = "test or val", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("test", "val");
        var batch = new Option<int>("--batch") { Description = "Evaluation batch size", DefaultValueFactory = _ => 256 };
        var head = new Option<string?>("--head") { Description = "Distilled models: class, dist, or both (mean of the two heads' softmax; the default)" };
        head.AcceptOnlyFromAmong([.. Heads.Keys]);
        var compareWith = new Option<string?>("--compare-with") { Description = "Second classifier's weights: report the fraction of images on which the two top-1 predictions differ" };
        var compareModel = new Option<string?>("--compare-model") { Description = "Model preset of --compare-with" };
        var compareHead = new Option<string?>("--compare-head") { Description = "Head of the --compare-with model (class, dist, both; default both for distilled models)" };
        compareHead.AcceptOnlyFromAmong([.. Heads.Keys]);
        var data = new DataOptions();
        var run = new RunOptions();
        command.Options.Add(model);
        command.Options.Add(weights);
        command.Options.Add(split);
        command.Options.Add(batch);
        command.Options.Add(head);
        command.Options.Add(compareWith);
        command.Options.Add(compareModel);
        command.Options.Add(compareHead);
        data.AddTo(command);
        run.AddTo(command);

        command.SetAction((result, cancellationToken) =>
        {
            var weightsPath = RequireWeights(result.GetValue(weights)!, "--weights");
            var modelName = RequireModel(result.GetValue(model) ?? CardModel(weightsPath), "--model");
            var other = result.GetValue(compareWith) is { } given && RequireWeights(given, "--compare-with") is var otherWeights
                ? (Model: RequireModel(result.GetValue(compareModel) ?? CardModel(otherWeights), "--compare-model"), Weights: otherWeights)
                : ((string Model, string Weights)?)null;
            if (other is null && result.GetValue(compareModel) is not null)
                throw new CliException("--compare-model needs --compare-with, the weights to compare against.");
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
                var device = RunOptions.ResolveDevice(runOptions.Device);
                var splits = DatasetCatalog.Load(spec);
                var images = splitName == "test" ? splits.Test : splits.Validation;
                var options = new ModelOptions { NumClasses = images.NumClasses, InChannels = images.Channels, ImageSize = images.Height };
                var classifier = ModelIo.LoadFrozen(modelName, options, weightsPath);
                using var _ = classifier.Module;
                classifier.Module.to(device);
                using var loader = new BatchLoader(images, new BatchLoaderOptions
                {
                    BatchSize = batchSize, Workers = runOptions.LoaderWorkers, PinMemory = device.type == DeviceType.CUDA,
                });
                var evalHead = HeadOf(classifier, result.GetValue(head), "--head");
                var evaluation = classifier.HasDistillationHead
                    ? HeadEvaluator.Evaluate(classifier, loader, device).For(evalHead)
                    : Evaluator.Evaluate(classifier, loader, device);
                Comparison? comparison = null;
                if (other is { } o)
                {
                    var second = ModelIo.LoadFrozen(o.Model, options, o.Weights);
                    using var __ = second.Module;
                    second.Module.to(device);
                    var secondHead = HeadOf(second, result.GetValue(compareHead), "--compare-head");
                    var d = Disagreement.Compare(classifier, evalHead, second, secondHead, loader, device);
                    comparison = new Comparison(o.Model, o.Weights, HeadName(secondHead), d.Fraction, d.Differing, d.Top1B);
                }
                var outcome = new Result(modelName, weightsPath, spec.Kind, splitName, evaluation.Top1, evaluation.Top5, evaluation.Loss, evaluation.Images,
                    clock.Elapsed.TotalSeconds, HeadName(evalHead), comparison);
                if (result.GetValue(GlobalOptions.Json)) JsonOutput.Write(outcome);
                else
                {
                    var headText = classifier.HasDistillationHead ? $", head {HeadName(evalHead)}" : "";
                    Console.WriteLine(FormattableString.Invariant(
                        $"{modelName} on {spec.Kind} {splitName} ({evaluation.Images} images{headText}): top-1 {100 * evaluation.Top1:F2}%, top-5 {100 * evaluation.Top5:F2}%, loss {evaluation.Loss:F4}"));
                    if (comparison is { } c)
                        Console.WriteLine(FormattableString.Invariant(
                            $"disagreement with {c.Model} (head {c.Head}, top-1 {100 * c.Top1:F2}%): {100 * c.Disagreement:F2}% of images ({c.Differing} of {evaluation.Images})"));
                }
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
                $"--model is required for '{weights}': its model card '{ModelCard.PathFor(weights)}' (written beside weights by train and best export) does not exist.")).Model;
        }
        catch (InvalidDataException e)
        {
            throw new CliException(e.Message);
        }
    }

    static string RequireModel(string name, string option) => ModelZoo.Names.Contains(name) ? name
        : throw new CliException($"{option} '{name}' is unknown; use one of: {string.Join(", ", ModelZoo.Names)}.");

    static string RequireWeights(string path, string option) => File.Exists(path) ? path
        : throw new CliException($"{option} '{path}' does not exist; give a safetensors file saved by `deit-tune train --out`, `teacher train --out` or `best export`.");

    /// <summary>The named head; unnamed: both for a distilled model (the paper's inference), its one head otherwise.</summary>
    static EvaluationHead HeadOf(IImageClassifier classifier, string? name, string option)
    {
        if (name is null) return classifier.HasDistillationHead ? EvaluationHead.Both : EvaluationHead.Class;
        var head = Heads[name];
        if (head != EvaluationHead.Class && !classifier.HasDistillationHead)
            throw new CliException($"{option} {name}: model '{classifier.PresetName}' has no distillation token; use {option} class or leave it out.");
        return head;
    }

    static string HeadName(EvaluationHead head) => Heads.Single(h => h.Value == head).Key;
}
