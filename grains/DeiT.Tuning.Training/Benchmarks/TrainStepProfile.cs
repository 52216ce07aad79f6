using System.Diagnostics;
using DeiT.Tuning.Training.Layers;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Benchmarks;

/// <summary>One op of a transformer block timed alone at the model's shapes, in the run's precision: forward, and
/// backward (forward + backward − forward), medians in milliseconds; <see cref="PerStep"/> occurrences in one step.</summary>
public sealed record OpTiming(string Op, int PerStep, double ForwardMs, double BackwardMs, string InputType)
{
    public double StepMs => PerStep * (ForwardMs + BackwardMs);
}

/// <summary>Where one training step's time goes (<c>bench train-step --profile</c>): tensor handles the host creates
/// per phase (each one a native call through TorchSharp), the time spent disposing the step's scope, the host cost of
/// one small native op (create + dispose), and the block's ops timed alone.</summary>
public sealed record TrainStepProfile(
    double TensorsForward,
    double TensorsBackward,
    double TensorsOptimizer,
    double DisposeScopeMsMedian,
    double NativeCallMicroseconds,
    double HostOverheadMsEstimate,
    IReadOnlyList<OpTiming> BlockOps,
    double BlockOpsMs)
{
    public double TensorsPerStep => TensorsForward + TensorsBackward + TensorsOptimizer;
}

/// <summary>Counts and op timings behind <see cref="TrainStepProfile"/>.</summary>
public static class TrainStepProfiler
{
    /// <summary>Tensors (and packed sequences) created on this thread so far, in dispose scopes or not.</summary>
    public static long TensorsCreated()
    {
        var statistics = DisposeScopeManager.Statistics;
        return statistics.CreatedInScopeCount + statistics.CreatedOutsideScopeCount;
    }

    /// <summary>Host cost of one small op: a 1-element add, its result handle created and disposed (µs, median of 5
    /// rounds of 2000). It is the floor every TorchSharp call pays besides the kernel itself.</summary>
    public static double NativeCallMicroseconds(Device device)
    {
        using var a = ones(1, device: device);
        using var b = ones(1, device: device);
        const int calls = 2000;
        var rounds = new List<double>();
        for (var round = 0; round < 6; round++)
        {
            var clock = Stopwatch.StartNew();
            using (NewDisposeScope())
                for (var i = 0; i < calls; i++) a.add(b);
            TrainStepBenchmark.Synchronize(device);
            if (round > 0) rounds.Add(clock.Elapsed.TotalSeconds * 1e6 / calls);
        }
        return TrainStepBenchmark.Median(rounds);
    }

    /// <summary>The ops of one pre-norm block at [batch, tokens, dim], each timed alone in <paramref name="computeType"/>
    /// (null: fp32) as <see cref="Autocast"/> runs them: LayerNorm on the fp32 residual stream, the linears on cast
    /// copies, attention and GELU on low-precision activations.</summary>
    public static IReadOnlyList<OpTiming> BlockOps(VisionTransformerConfig config, int batch, int tokens, ScalarType? computeType,
        Device device, int repeats = 5)
    {
        var dim = config.EmbedDim;
        var hidden = Block.HiddenDim(dim, config.MlpRatio);
        var heads = config.NumHeads;
        var low = computeType ?? ScalarType.Float32;
        var depth = config.Depth;
        using var norm = nn.LayerNorm(dim, Block.LayerNormEps);
        using var qkv = nn.Linear(dim, 3 * dim);
        using var proj = nn.Linear(dim, dim);
        using var fc1 = nn.Linear(dim, hidden);
        using var fc2 = nn.Linear(hidden, dim);
        foreach (var module in new nn.Module[] { norm, qkv, proj, fc1, fc2 }) module.to(device);
        using var residual = randn(batch, tokens, dim, device: device);
        using var lowTokens = randn(batch, tokens, dim, device: device).to(low);
        using var lowHidden = randn(batch, tokens, hidden, device: device).to(low);
        using var headInput = randn(batch, heads, tokens, dim / heads, device: device).to(low);

        return
        [
            Time("layernorm", 2 * depth, residual, x => norm.forward(x), computeType, device, repeats),
            Time("qkv linear", depth, residual, x => Autocast.Linear(qkv, x), computeType, device, repeats),
            Time(AttentionPath(computeType, device), depth, headInput, q => Autocast.ScaledDotProductAttention(q, q, q), computeType, device, repeats),
            Time("proj linear", depth, lowTokens, x => Autocast.Linear(proj, x), computeType, device, repeats),
            Time("fc1 linear", depth, residual, x => Autocast.Linear(fc1, x), computeType, device, repeats),
            Time("gelu", depth, lowHidden, x => nn.functional.gelu(x), computeType, device, repeats),
            Time("fc2 linear", depth, lowHidden, x => Autocast.Linear(fc2, x), computeType, device, repeats),
        ];
    }

    static string AttentionPath(ScalarType? computeType, Device device) =>
        computeType is not null && device.type == DeviceType.CPU ? "attention (q·kᵀ, fp32 softmax, ·v)" : "attention (fused sdpa)";

    static OpTiming Time(string op, int perStep, Tensor input, Func<Tensor, Tensor> forward, ScalarType? computeType,
        Device device, int repeats)
    {
        var forwards = new List<double>();
        var totals = new List<double>();
        for (var i = 0; i <= repeats; i++)
        {
            using var scope = NewDisposeScope();
            // A fresh leaf each time: its gradient is written, not accumulated.
            var x = input.detach().requires_grad_(true);
            Tensor y;
            var clock = Stopwatch.StartNew();
            using (Autocast.Enter(computeType)) y = forward(x);
            TrainStepBenchmark.Synchronize(device);
            var f = clock.Elapsed.TotalSeconds;
            var gradient = ones_like(y);
            clock.Restart();
            y.backward([gradient]);
            TrainStepBenchmark.Synchronize(device);
            if (i == 0) continue;   // warm-up
            forwards.Add(f);
            totals.Add(f + clock.Elapsed.TotalSeconds);
        }
        var forwardMs = TrainStepBenchmark.Median(forwards) * 1e3;
        return new OpTiming(op, perStep, forwardMs, Math.Max(0, TrainStepBenchmark.Median(totals) * 1e3 - forwardMs), input.dtype.ToString());
    }
}
