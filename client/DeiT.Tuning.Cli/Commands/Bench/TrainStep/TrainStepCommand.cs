using System.CommandLine;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Cli.Training;
using DeiT.Tuning.Training.Benchmarks;
using DeiT.Tuning.Training.Devices;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Models;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Bench.TrainStep;

/// <summary>`deit-tune bench train-step`: images/s of full training steps and their fraction of the fp32 matmul roofline.</summary>
public static class TrainStepCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model preset", DefaultValueFactory = _ => "deit_tiny_patch4_32" };
        var batch = new Option<int>("--batch") { Description = "Images per step", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { Description = "Timed steps", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps first", DefaultValueFactory = _ => 3 };
        var threads = new Option<int?>("--threads") { Description = "Intra-op threads (default: every core)" };
        var optimizer = new Option<string>("--optimizer")
        {
            Description = "flat (the trainer's FlatAdamW) or per-parameter (TorchSharp's AdamW, for comparison)",
            DefaultValueFactory = _ => "flat",
        };
        optimizer.AcceptOnlyFromAmong("flat", "per-parameter");
        var device = new Option<string>("--device") { Description = "cpu or cuda:N", DefaultValueFactory = _ => "cpu" };
        var classes = new Option<int>("--classes") { Description = "Number of classes", DefaultValueFactory = _ => 10 };
        var dropPath = new Option<double>("--drop-path") { Description = "Stochastic-depth rate", DefaultValueFactory = _ => new DeitRecipe().DropPath };
        var ompWait = new Option<OpenMpWaitPolicy>("--omp-wait")
        {
            Description = "How idle OpenMP threads wait: passive (sleep; best on shared cores), active (spin), default (libgomp's)",
            DefaultValueFactory = _ => OpenMpWaitPolicy.Passive,
        };

        var profile = new Option<bool>("--profile")
        {
            Description = "Also report where a step's time goes: tensors created per phase, dispose-scope time, one native call's host cost, and each block op timed alone",
        };
        var precision = PrecisionOption.Create();
        var command = new Command("train-step", "Time forward + hard-distillation loss + backward + AdamW on synthetic inputs")
        {
            model, batch, steps, warmup, threads, device, optimizer, classes, dropPath, ompWait, precision, profile,
        };
        command.SetAction(parse =>
        {
            var options = new TrainStepBenchmarkOptions
            {
                Model = parse.GetValue(model)!,
                Batch = Positive(parse.GetValue(batch), "--batch"),
                Steps = Positive(parse.GetValue(steps), "--steps"),
                Warmup = NonNegative(parse.GetValue(warmup), "--warmup"),
                Threads = parse.GetValue(threads) is { } t ? Positive(t, "--threads") : null,
                NumClasses = Positive(parse.GetValue(classes), "--classes"),
                OpenMpWaitPolicy = parse.GetValue(ompWait),
                DropPath = parse.GetValue(dropPath) is var rate and >= 0 and < 1 ? rate : throw new CliException($"--drop-path must be in [0, 1), got {parse.GetValue(dropPath)}"),
                Device = parse.GetValue(device)!,
                PerParameterOptimizer = parse.GetValue(optimizer) == "per-parameter",
                Precision = PrecisionOption.Read(parse, precision),
                Profile = parse.GetValue(profile),
            };
            try { TorchRuntime.Parse(options.Device); }
            catch (ArgumentException e) { throw new CliException($"--device: {e.Message}"); }
            if (!ModelZoo.Names.Contains(options.Model))
                throw new CliException($"--model: unknown preset '{options.Model}'; choose one of {string.Join(", ", ModelZoo.Names)}");
            var json = parse.GetValue(GlobalOptions.Json);
            TrainStepBenchmarkResult result;
            try { result = TrainStepBenchmark.Run(options, new SynchronousProgress(line => Console.Error.WriteLine(line))); }
            catch (ArgumentException e) { throw new CliException($"--device {options.Device}: {e.Message}"); }   // the one thing left to check: can this host run on it
            if (json) JsonOutput.Write(result);
            else Print(result);
            return 0;
        });
        return command;
    }

    static int Positive(int value, string option) =>
        value > 0 ? value : throw new CliException($"{option} must be a positive integer, got {value}");

    static int NonNegative(int value, string option) =>
        value >= 0 ? value : throw new CliException($"{option} must be zero or more, got {value}");

    static void Print(TrainStepBenchmarkResult r)
    {
        var table = new Table().AddColumns("metric", "value");
        table.AddRow("model / device / precision", $"{r.Model} / {r.Device} / {r.Optimizer} / {r.Precision}");
        table.AddRow("batch / drop path / threads / OpenMP wait", $"{r.Batch} / {r.DropPath} / {r.Threads} / {r.OmpWaitPolicy}");
        table.AddRow("images/s (median, best)", $"{r.ImagesPerS:F1}, {r.ImagesPerSBest:F1}");
        table.AddRow("step ms (min / median / max)", $"{r.StepSecondsMin * 1000:F0} / {r.StepSecondsMedian * 1000:F0} / {r.StepSecondsMax * 1000:F0}");
        if (r.ForwardSecondsMedian is { } f && r.BackwardSecondsMedian is { } b && r.OptimizerSecondsMedian is { } o)
            table.AddRow("median ms: forward+loss / backward / AdamW", $"{f * 1000:F0} / {b * 1000:F0} / {o * 1000:F0}");
        table.AddRow("model GFLOP/image (3 × forward)", $"{r.ModelGflopPerImage:F3}");
        table.AddRow("achieved GFLOP/s", $"{r.AchievedGflops:F1}");
        table.AddRow($"{r.Precision} matmul GFLOP/s (median, best)", $"{r.MatmulGflops:F1}, {r.MatmulGflopsBest:F1}");
        table.AddRow("roofline fraction (median; min–max)", $"{r.RooflineFraction:F3}; {r.RooflineFractionMin:F3}–{r.RooflineFractionMax:F3}");
        table.AddRow("best step ÷ best matmul", $"{r.RooflineFractionOfBests:F3}");
        AnsiConsole.Write(table);
        if (r.Profile is { } p) PrintProfile(r, p);
    }

    static void PrintProfile(TrainStepBenchmarkResult r, TrainStepProfile p)
    {
        var host = new Table().AddColumns("host side of one step", "value");
        host.AddRow("tensors created: forward+loss / backward / optimizer", $"{p.TensorsForward:F0} / {p.TensorsBackward:F0} / {p.TensorsOptimizer:F0}");
        host.AddRow("one small native call (create + dispose)", $"{p.NativeCallMicroseconds:F1} µs");
        host.AddRow("host overhead estimate (tensors × call)", $"{p.HostOverheadMsEstimate:F2} ms of {r.StepSecondsMedian * 1000:F0} ms");
        host.AddRow("disposing the step's scope (median)", $"{p.DisposeScopeMsMedian:F2} ms");
        AnsiConsole.Write(host);
        if (p.BlockOps.Count == 0) return;
        var ops = new Table().AddColumns("block op (timed alone)", "input", "× per step", "forward ms", "backward ms", "backward ÷ forward", "ms per step");
        foreach (var o in p.BlockOps)
            ops.AddRow(o.Op, o.InputType, $"{o.PerStep}", $"{o.ForwardMs:F2}", $"{o.BackwardMs:F2}", $"{o.BackwardMs / o.ForwardMs:F1}", $"{o.StepMs:F0}");
        ops.AddRow("sum of block ops", "", "", "", "", "", $"{p.BlockOpsMs:F0} of {r.StepSecondsMedian * 1000:F0}");
        foreach (var o in p.Alternatives)
            ops.AddRow($"[dim]instead: {Markup.Escape(o.Op)}[/]", o.InputType, $"{o.PerStep}", $"{o.ForwardMs:F2}", $"{o.BackwardMs:F2}", $"{o.BackwardMs / o.ForwardMs:F1}", $"{o.StepMs:F0}");
        AnsiConsole.Write(ops);
    }
}
