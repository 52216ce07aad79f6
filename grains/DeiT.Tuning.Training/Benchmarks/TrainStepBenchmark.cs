using System.Diagnostics;
using DeiT.Tuning.Training.Devices;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Layers;
using DeiT.Tuning.Training.Losses;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Benchmarks;

public sealed record TrainStepBenchmarkOptions
{
    public required string Model { get; init; }
    public int Batch { get; init; } = 64;
    public int Steps { get; init; } = 10;
    public int Warmup { get; init; } = 3;
    /// <summary>Intra-op threads; null: every core.</summary>
    public int? Threads { get; init; }
    public int NumClasses { get; init; } = 10;
    /// <summary>Stochastic depth as in training (the DeiT recipe's 0.1 by default).</summary>
    public double DropPath { get; init; } = new DeitRecipe().DropPath;
    public int InChannels { get; init; } = 3;
    public int MatmulSize { get; init; } = 2048;
    /// <summary>"cpu" or "cuda:N" (see <see cref="TorchRuntime"/>).</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Time TorchSharp's per-parameter AdamW instead of the trainer's FlatAdamW (for comparison).</summary>
    public bool PerParameterOptimizer { get; init; }
    /// <summary>Time forward, backward and optimizer separately. On CUDA that needs a device synchronization between
    /// them, which stops the host from queueing ahead, so the headline figure should be taken without it.</summary>
    public bool PhaseTimings { get; init; } = true;
    /// <summary>Takes effect only when this runs before the process's first TorchSharp call.</summary>
    public OpenMpWaitPolicy OpenMpWaitPolicy { get; init; } = OpenMpWaitPolicy.Passive;
    /// <summary>null: the device's default (<see cref="PrecisionChoice.DefaultFor"/>).</summary>
    public Precision? Precision { get; init; }
    /// <summary>Also report where a step's time goes (<see cref="TrainStepProfile"/>).</summary>
    public bool Profile { get; init; }
}

public sealed record TrainStepBenchmarkResult(
    string Model,
    string Device,
    string Optimizer,
    int Batch,
    int Steps,
    int Threads,
    string OmpWaitPolicy,
    double ImagesPerS,
    double ImagesPerSBest,
    double StepSecondsMedian,
    double StepSecondsMin,
    double StepSecondsMax,
    double? ForwardSecondsMedian,
    double? BackwardSecondsMedian,
    double? OptimizerSecondsMedian,
    double MatmulGflops,
    double MatmulGflopsBest,
    double ModelGflopPerImage,
    double AchievedGflops,
    double RooflineFraction,
    double RooflineFractionMin,
    double RooflineFractionMax,
    double RooflineFractionOfBests,
    string Precision,
    double DropPath,
    TrainStepProfile? Profile = null);

/// <summary>Times full training steps (forward, hard-distillation loss, backward, AdamW) of a preset on synthetic
/// images and random teacher logits, and compares the achieved model FLOP/s with the machine's matmul rate in the run's
/// compute type (fp32, or bf16/fp16 in mixed precision)
/// measured in the same process with the same thread count between the steps. Model FLOPs per image = 3 × forward.
/// On a shared machine both rates vary from one second to the next: RooflineFraction is the median over steps of
/// each step's rate divided by the mean of the matmul samples taken just before and after it; the ratio of the best
/// step to the best matmul sample (RooflineFractionOfBests) is the conservative reading.</summary>
public static class TrainStepBenchmark
{
    public static TrainStepBenchmarkResult Run(TrainStepBenchmarkOptions options, IProgress<string>? progress = null)
    {
        if (options.Batch <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.Batch, "batch must be positive");
        if (options.Steps <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.Steps, "steps must be positive");
        if (options.Warmup < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Warmup, "warmup steps must be non-negative");
        var threads = options.Threads ?? Environment.ProcessorCount;
        if (threads <= 0) throw new ArgumentOutOfRangeException(nameof(options), threads, "threads must be positive");
        var waitPolicy = CpuThreading.SetOpenMpWaitPolicy(options.OpenMpWaitPolicy);   // before the first torch call
        var device = TorchRuntime.Resolve(options.Device);
        set_num_threads(threads);
        var precision = options.Precision ?? PrecisionChoice.DefaultFor(device);
        PrecisionChoice.ApplyMatmulMode(precision, device);
        var computeType = PrecisionChoice.ComputeType(precision);
        var scaler = precision == Precision.Fp16 ? new DynamicLossScaler() : null;
        CpuAllocatorTuning.KeepFreedMemory();

        var model = ModelZoo.Create(options.Model, new ModelOptions
        {
            NumClasses = options.NumClasses, InChannels = options.InChannels, DropPath = options.DropPath,
        });
        using var module = model.Module;
        module.to(device);
        module.train();
        var recipe = new DeitRecipe();
        var lr = DeitOptimizer.ScaledLearningRate(recipe, options.Batch);
        using var optimizer = options.PerParameterOptimizer
            ? DeitOptimizer.CreatePerParameter(model, lr, recipe.WeightDecay)
            : DeitOptimizer.Create(model, lr, recipe.WeightDecay);
        using var computeWeights = computeType is { } low && optimizer is FlatAdamW flat ? new ComputeWeights(flat, low) : null;
        var loss = new DistillationLoss(DistillationType.Hard, recipe.DistillationAlpha, recipe.DistillationTau);
        var size = model.ImageSize;

        manual_seed(0);
        using var images = randn(options.Batch, options.InChannels, size, size, device: device);
        using var labels = randint(options.NumClasses, [options.Batch], device: device);
        using var target = nn.functional.one_hot(labels, options.NumClasses).to(float32).mul_(1 - recipe.LabelSmoothing).add_(recipe.LabelSmoothing / options.NumClasses);
        using var teacherLogits = randn(options.Batch, options.NumClasses, device: device);

        using var matmul = new MatmulRate(options.MatmulSize, device, computeType ?? ScalarType.Float32);
        var stepSeconds = new List<double>();
        var phases = new List<(double Forward, double Backward, double Optimizer)>();
        var matmulRates = new List<double>();
        var tensors = new List<(long Forward, long Backward, long Optimizer)>();
        var disposeSeconds = new List<double>();
        for (var step = 0; step < options.Warmup + options.Steps; step++)
        {
            if (step == options.Warmup) matmulRates.Add(matmul.MeasureGflops());
            var clock = Stopwatch.StartNew();
            double forward, backward, beforeDispose;
            var created = new long[4];
            created[0] = TrainStepProfiler.TensorsCreated();
            var scope = NewDisposeScope();
            try
            {
                optimizer.zero_grad();
                computeWeights?.Refresh();
                Tensor cls;
                Tensor? dist;
                using (Autocast.Enter(computeType, computeWeights?.Copies))
                    (cls, dist) = model.ForwardTrain(images);
                // A model without a distillation token distills through its class head; the loss is fp32.
                var value = loss.Compute(cls.to(float32), (dist ?? cls).to(float32), target, teacherLogits);
                if (options.PhaseTimings) Synchronize(device);
                forward = clock.Elapsed.TotalSeconds;
                created[1] = TrainStepProfiler.TensorsCreated();
                var finite = StepBackward.Run(value, scaler, DynamicLossScaler.GradientsOf(optimizer, module), computeWeights);
                if (options.PhaseTimings) Synchronize(device);
                backward = clock.Elapsed.TotalSeconds - forward;
                created[2] = TrainStepProfiler.TensorsCreated();
                if (finite) optimizer.step();
                Synchronize(device);
                created[3] = TrainStepProfiler.TensorsCreated();
                beforeDispose = clock.Elapsed.TotalSeconds;
            }
            finally { scope.Dispose(); }
            var seconds = clock.Elapsed.TotalSeconds;
            if (step < options.Warmup)
            {
                progress?.Report($"warmup step {step + 1}/{options.Warmup}: {seconds * 1000:F0} ms");
                continue;
            }
            // The matmul rate is sampled after every step: on a shared machine each step is compared with the
            // roofline measured right around it (mean of the samples before and after).
            stepSeconds.Add(seconds);
            phases.Add((forward, backward, seconds - forward - backward));
            tensors.Add((created[1] - created[0], created[2] - created[1], created[3] - created[2]));
            disposeSeconds.Add(seconds - beforeDispose);
            matmulRates.Add(matmul.MeasureGflops());
            progress?.Report($"step {stepSeconds.Count}/{options.Steps}: {seconds * 1000:F0} ms (forward+loss {forward * 1000:F0}, backward {backward * 1000:F0}, optimizer {(seconds - forward - backward) * 1000:F0}), {options.Batch / seconds:F1} images/s, matmul {matmulRates[^1]:F1} GFLOP/s");
        }

        var gflopPerImage = 3.0 * model.ForwardFlopsPerImage / 1e9;
        var achieved = stepSeconds.Select(t => gflopPerImage * options.Batch / t).ToList();
        var fractions = achieved.Select((g, i) => g / ((matmulRates[i] + matmulRates[i + 1]) / 2)).ToList();
        return new TrainStepBenchmarkResult(
            options.Model, options.Device, options.PerParameterOptimizer ? "adamw-per-parameter" : "adamw-flat", options.Batch, options.Steps, threads, waitPolicy,
            ImagesPerS: options.Batch / Median(stepSeconds),
            ImagesPerSBest: options.Batch / stepSeconds.Min(),
            StepSecondsMedian: Median(stepSeconds),
            StepSecondsMin: stepSeconds.Min(),
            StepSecondsMax: stepSeconds.Max(),
            ForwardSecondsMedian: options.PhaseTimings ? Median(phases.Select(p => p.Forward)) : null,
            BackwardSecondsMedian: options.PhaseTimings ? Median(phases.Select(p => p.Backward)) : null,
            OptimizerSecondsMedian: options.PhaseTimings ? Median(phases.Select(p => p.Optimizer)) : null,
            MatmulGflops: Median(matmulRates),
            MatmulGflopsBest: matmulRates.Max(),
            ModelGflopPerImage: gflopPerImage,
            AchievedGflops: Median(achieved),
            RooflineFraction: Median(fractions),
            RooflineFractionMin: fractions.Min(),
            RooflineFractionMax: fractions.Max(),
            RooflineFractionOfBests: achieved.Max() / matmulRates.Max(),
            Precision: PrecisionChoice.Name(precision),
            DropPath: options.DropPath,
            Profile: options.Profile ? Profile(options, model, computeType, device, tensors, disposeSeconds, progress) : null);
    }

    static TrainStepProfile Profile(TrainStepBenchmarkOptions options, IImageClassifier model, ScalarType? computeType, Device device,
        List<(long Forward, long Backward, long Optimizer)> tensors, List<double> disposeSeconds, IProgress<string>? progress)
    {
        progress?.Report("profile: timing one small native call and the block's ops alone");
        var perCall = TrainStepProfiler.NativeCallMicroseconds(device);
        var vit = model.Module as VisionTransformer;
        IReadOnlyList<OpTiming> ops = vit is null ? [] : TrainStepProfiler.BlockOps(vit.Config, options.Batch, vit.NumTokens, computeType, device);
        IReadOnlyList<OpTiming> alternatives = vit is null ? [] : TrainStepProfiler.Alternatives(vit.Config, options.Batch, vit.NumTokens, computeType, device);
        var perStep = tensors.Average(t => (double)(t.Forward + t.Backward + t.Optimizer));
        return new TrainStepProfile(
            TensorsForward: tensors.Average(t => (double)t.Forward),
            TensorsBackward: tensors.Average(t => (double)t.Backward),
            TensorsOptimizer: tensors.Average(t => (double)t.Optimizer),
            DisposeScopeMsMedian: Median(disposeSeconds) * 1e3,
            NativeCallMicroseconds: perCall,
            HostOverheadMsEstimate: perStep * perCall / 1e3,
            BlockOps: ops,
            BlockOpsMs: ops.Sum(o => o.StepMs),
            Alternatives: alternatives);
    }

    /// <summary>CUDA work is asynchronous: wait for it before reading a host clock.</summary>
    internal static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
