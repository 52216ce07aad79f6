using System.CommandLine;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Training.Benchmarks;
using DeiT.Tuning.Training.Models;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Bench.Loader;

/// <summary>`deit-tune bench loader`: images/s of the training input pipeline per worker and in total, and the cores one trial needs.</summary>
public static class LoaderCommand
{
    public static Command Create()
    {
        var dataRoot = new Option<string>("--data-root") { Description = "Dataset folder: train/<class>/*.jpg (imagefolder) or train/*.tar (webdataset)", Required = true };
        var kind = new Option<string>("--dataset") { Description = "imagefolder or webdataset", DefaultValueFactory = _ => "imagefolder" };
        kind.AcceptOnlyFromAmong("imagefolder", "webdataset");
        var workers = new Option<int>("--workers") { Description = "Loader workers of the scaling run", DefaultValueFactory = _ => Environment.ProcessorCount };
        var randAugment = new Option<bool>("--randaug") { Description = "Add RandAugment (rand-m9-mstd0.5-inc1, 2 ops)" };
        var size = new Option<int?>("--size") { Description = "Image side (default: the --model preset's, else 224)" };
        var batch = new Option<int>("--batch") { Description = "Images per batch", DefaultValueFactory = _ => 64 };
        var images = new Option<int?>("--images") { Description = "Timed images per run (default: two passes over the train split)" };
        var model = new Option<string?>("--model") { Description = "Model preset the loader feeds (sets --size)" };
        var stepRate = new Option<double?>("--step-rate") { Description = "Images/s one trial trains at (e.g. `bench train-step --device cuda:0`): reports the CPU cores it needs" };

        var command = new Command("loader", "Time the training input pipeline (read, decode, crop, flip [, RandAugment], normalize) on an image dataset")
        {
            dataRoot, kind, workers, randAugment, size, batch, images, model, stepRate,
        };
        command.SetAction(parse =>
        {
            var modelName = parse.GetValue(model);
            if (modelName is not null && !ModelZoo.Names.Contains(modelName))
                throw new CliException($"--model: unknown preset '{modelName}'; choose one of {string.Join(", ", ModelZoo.Names)}");
            int side = parse.GetValue(size) ?? (modelName is null ? 224 : ModelZoo.ImageSize(modelName));
            var root = parse.GetValue(dataRoot)!;
            if (!Directory.Exists(root)) throw new CliException($"--data-root '{root}' does not exist; give a folder holding train/ (make one with deploy/bench/make_jpeg_folder.py).");
            var options = new LoaderBenchmarkOptions
            {
                Kind = parse.GetValue(kind)!,
                DataRoot = root,
                Workers = Positive(parse.GetValue(workers), "--workers"),
                RandAugment = parse.GetValue(randAugment),
                Size = Positive(side, "--size"),
                Batch = Positive(parse.GetValue(batch), "--batch"),
                Images = parse.GetValue(images) is { } n ? Positive(n, "--images") : null,
                StepRate = parse.GetValue(stepRate) is { } r ? r > 0 ? r : throw new CliException($"--step-rate must be positive images/s, got {r}") : null,
            };
            var result = LoaderBenchmark.Run(options, new SynchronousProgress(line => Console.Error.WriteLine(line)));
            if (parse.GetValue(GlobalOptions.Json)) JsonOutput.Write(result);
            else Print(result);
            return 0;
        });
        return command;
    }

    static int Positive(int value, string option) =>
        value > 0 ? value : throw new CliException($"{option} must be a positive integer, got {value}");

    static void Print(LoaderBenchmarkResult r)
    {
        var table = new Table().AddColumns("metric", "value");
        table.AddRow("data / images / size", $"{r.DataRoot} / {r.TrainImages} / {r.Size}");
        table.AddRow("transform", string.Join(" → ", r.Transform));
        table.AddRow("images/s, 1 worker", $"{r.ImagesPerSecondOneWorker:F1}");
        table.AddRow($"images/s, {r.Workers} workers (scaling)", $"{r.ImagesPerSecondAllWorkers:F1} ({r.ScalingEfficiency:P0} of linear)");
        if (r.StepRate is { } rate) table.AddRow($"cores for {rate:F0} images/s", $"{r.CoresNeeded}");
        AnsiConsole.Write(table);
    }
}
