using System.Text.Json;
using DeiT.Tuning.Training.Benchmarks;
using DeiT.Tuning.Training.Devices;
using DeiT.Tuning.Training.Engine;

// deit-tune-bench --device cuda:0 --runs deit_tiny_distilled_patch16_224:128,deit_small_distilled_patch16_224:128
//                 [--steps 30] [--warmup 10] [--classes 1000] [--threads N] [--optimizer flat|per-parameter]
//                 [--phase-timings true|false] [--precision fp32|tf32|bf16|fp16] [--profile true|false]
//                 [--trainer true [--loader-workers N] [--trainer-steps 30]]
// Prints one JSON object per run on stdout (progress on stderr): the same measurement as `deit-tune bench train-step`,
// or with --trainer true, two epochs of the real trainer on fake 224×224 images (TrainerRun).
var settings = ParseArguments(args);
var runs = settings.GetValueOrDefault("--runs", "deit_tiny_patch4_32:64")
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
    .Select(run => run.Split(':'))
    .Select(parts => (Model: parts[0], Batch: parts.Length > 1 ? int.Parse(parts[1]) : 64))
    .ToList();
var device = settings.GetValueOrDefault("--device", "cpu");
TorchRuntime.Parse(device);
var precision = settings.TryGetValue("--precision", out var precisionText) ? PrecisionChoice.Parse(precisionText, "--precision") : (Precision?)null;
var threads = settings.TryGetValue("--threads", out var threadsText) ? int.Parse(threadsText) : (int?)null;
if (settings.GetValueOrDefault("--trainer", "false") == "true")
{
    var workers = int.Parse(settings.GetValueOrDefault("--loader-workers", Math.Max(1, Environment.ProcessorCount - 1).ToString()));
    var trainerSteps = int.Parse(settings.GetValueOrDefault("--trainer-steps", "30"));
    foreach (var (model, batch) in runs)
    {
        var result = TrainerRun.Run(model, batch, device, precision, workers, trainerSteps, threads);
        Console.WriteLine(JsonSerializer.Serialize(new { impl = "torchsharp-trainer", result }));
    }
    return 0;
}
foreach (var (model, batch) in runs)
{
    var options = new TrainStepBenchmarkOptions
    {
        Model = model,
        Batch = batch,
        Device = device,
        Steps = int.Parse(settings.GetValueOrDefault("--steps", "30")),
        Warmup = int.Parse(settings.GetValueOrDefault("--warmup", "10")),
        NumClasses = int.Parse(settings.GetValueOrDefault("--classes", "1000")),
        Threads = threads,
        PhaseTimings = settings.GetValueOrDefault("--phase-timings", "true") == "true",
        PerParameterOptimizer = settings.GetValueOrDefault("--optimizer", "flat") == "per-parameter",
        Precision = precision,
        Profile = settings.GetValueOrDefault("--profile", "false") == "true",
        MatmulSize = int.Parse(settings.GetValueOrDefault("--matmul-size", device.StartsWith("cuda") ? "8192" : "2048")),
    };
    var result = TrainStepBenchmark.Run(options, new Progress<string>(line => Console.Error.WriteLine(line)));
    var memory = CudaMemory.TryGetInfo();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        impl = "torchsharp",
        result,
        cuda_free_gib = memory?.FreeBytes / (double)(1L << 30),
        cuda_total_gib = memory?.TotalBytes / (double)(1L << 30),
    }));
    GC.Collect();
    GC.WaitForPendingFinalizers();
}
return 0;

static Dictionary<string, string> ParseArguments(string[] args)
{
    var settings = new Dictionary<string, string>();
    for (var i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            throw new ArgumentException($"expected --name value pairs, got '{args[i]}'");
        settings[args[i]] = args[++i];
    }
    return settings;
}
