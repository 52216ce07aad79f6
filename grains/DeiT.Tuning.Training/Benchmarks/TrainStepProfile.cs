using System.Diagnostics;
using DeiT.Tuning.Training.Layers;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Benchmarks;

/// <summary>One op of a transformer block timed alone at the model's shapes, in the run's precision: forward, and
/// backward (forward + backward − forward), medians in milliseconds; <see cref="PerStep"/> occurrences in one step.
/// On CUDA each figure is the mean over a burst of back-to-back launches with one synchronization at its end, so it
/// is the op's kernel time rather than its launch and synchronization latency.</summary>
public sealed record OpTiming(string Op, int PerStep, double ForwardMs, double BackwardMs, string InputType)
{
    public double StepMs => PerStep * (ForwardMs + BackwardMs);
}

/// <summary>Where one training step's time goes (<c>bench train-step --profile</c>): tensor handles the host creates
/// per phase (each one a native call through TorchSharp), the time spent disposing the step's scope, the host cost of
/// one small native op (create + dispose), the block's ops timed alone, and <see cref="Alternatives"/>: other ways
/// to compute one of those ops, timed the same way for comparison (not part of the step).</summary>
public sealed record TrainStepProfile(
    double TensorsForward,
    double TensorsBackward,
    double TensorsOptimizer,
    double DisposeScopeMsMedian,
    double NativeCallMicroseconds,
    double HostOverheadMsEstimate,
    IReadOnlyList<OpTiming> BlockOps,
    double BlockOpsMs,
    IReadOnlyList<OpTiming> Alternatives)
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
    /// copies, attention and GELU on low-precision activations, each branch added back to the residual stream through
    /// drop path.</summary>
    public static IReadOnlyList<OpTiming> BlockOps(VisionTransformerConfig config, int batch, int tokens, ScalarType? computeType,
        Device device) => TimeOps(config, batch, tokens, computeType, device, alternatives: false);

    /// <summary>Other ways to compute a block op, timed as <see cref="BlockOps"/>: TorchSharp's own Linear (the C++
    /// frontend's functional linear: a matmul, then the bias in a separate pass) beside <see cref="Autocast.Linear"/>'s
    /// fused bias.</summary>
    public static IReadOnlyList<OpTiming> Alternatives(VisionTransformerConfig config, int batch, int tokens, ScalarType? computeType,
        Device device) => TimeOps(config, batch, tokens, computeType, device, alternatives: true);

    static IReadOnlyList<OpTiming> TimeOps(VisionTransformerConfig config, int batch, int tokens, ScalarType? computeType,
        Device device, bool alternatives)
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
        using var dropPath = new DropPath(0.1);
        foreach (var module in new nn.Module[] { norm, qkv, proj, fc1, fc2 }) module.to(device);
        using var residual = randn(batch, tokens, dim, device: device);
        using var lowTokens = randn(batch, tokens, dim, device: device).to(low);
        using var lowHidden = randn(batch, tokens, hidden, device: device).to(low);
        using var headInput = randn(batch, heads, tokens, dim / heads, device: device).to(low);
        var timer = new OpTimer(computeType, device);
        if (alternatives)
            return
            [
                timer.Time("fc1 linear, TorchSharp's Linear (bias added apart)", depth, residual, x => TorchSharpLinear(fc1, x, computeType)),
                timer.Time("fc2 linear, TorchSharp's Linear (bias added apart)", depth, lowHidden, x => TorchSharpLinear(fc2, x, computeType)),
            ];
        return
        [
            timer.Time("layernorm", 2 * depth, residual, x => norm.forward(x)),
            timer.Time("qkv linear", depth, residual, x => Autocast.Linear(qkv, x)),
            timer.Time(AttentionPath(computeType, device), depth, headInput, q => Autocast.ScaledDotProductAttention(q, q, q)),
            timer.Time("proj linear", depth, lowTokens, x => Autocast.Linear(proj, x)),
            timer.Time("fc1 linear", depth, residual, x => Autocast.Linear(fc1, x)),
            timer.Time("gelu", depth, lowHidden, x => nn.functional.gelu(x)),
            timer.Time("fc2 linear", depth, lowHidden, x => Autocast.Linear(fc2, x)),
            timer.Time("residual add through drop path", 2 * depth, lowTokens, branch => dropPath.AddTo(residual, branch)),
        ];
    }

    static Tensor TorchSharpLinear(Linear layer, Tensor input, ScalarType? computeType) => computeType is { } type
        ? nn.functional.linear(input.to(type), layer.weight!.to(type), layer.bias!.to(type))
        : layer.forward(input);

    static string AttentionPath(ScalarType? computeType, Device device) =>
        computeType is not null && device.type == DeviceType.CPU ? "attention (q·kᵀ, fp32 softmax, ·v)" : "attention (fused sdpa)";

    sealed class OpTimer(ScalarType? computeType, Device device)
    {
        const int Repeats = 5;
        // Launches per timed burst: on CUDA enough to hide the launch and synchronization latency; a CPU op is
        // synchronous and long already.
        readonly int burst = device.type == DeviceType.CUDA ? 20 : 1;

        public OpTiming Time(string op, int perStep, Tensor input, Func<Tensor, Tensor> forward)
        {
            var forwards = new List<double>();
            var totals = new List<double>();
            for (var i = 0; i <= Repeats; i++)
            {
                var f = Burst(input, forward, backward: false);
                var total = Burst(input, forward, backward: true);
                if (i == 0) continue;   // warm-up
                forwards.Add(f);
                totals.Add(total);
            }
            var forwardMs = TrainStepBenchmark.Median(forwards) * 1e3;
            return new OpTiming(op, perStep, forwardMs, Math.Max(0, TrainStepBenchmark.Median(totals) * 1e3 - forwardMs), input.dtype.ToString());
        }

        /// <summary>Seconds per launch of <paramref name="burst"/> back-to-back forwards (and backwards).</summary>
        double Burst(Tensor input, Func<Tensor, Tensor> forward, bool backward)
        {
            TrainStepBenchmark.Synchronize(device);
            var clock = Stopwatch.StartNew();
            for (var k = 0; k < burst; k++)
            {
                // Each launch in its own scope: its tensors go back to the allocator as soon as it is queued.
                using var scope = NewDisposeScope();
                // A fresh leaf each time: its gradient is written, not accumulated.
                var x = input.detach().requires_grad_(true);
                Tensor y;
                using (Autocast.Enter(computeType)) y = forward(x);
                if (backward) y.backward([ones_like(y)]);
            }
            TrainStepBenchmark.Synchronize(device);
            return clock.Elapsed.TotalSeconds / burst;
        }
    }
}
