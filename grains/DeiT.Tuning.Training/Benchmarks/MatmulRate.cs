using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Benchmarks;

/// <summary>The machine's matrix-multiply rate (fp32 unless told) with the current intra-op thread count: timed products of
/// large square matrices (2n³ FLOPs each), the roofline a training step is compared against.</summary>
public sealed class MatmulRate : IDisposable
{
    readonly Tensor a;
    readonly Tensor b;

    readonly Device device;

    public MatmulRate(int size = 2048, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        this.device = device ?? CPU;
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "matrix size must be positive");
        Size = size;
        a = randn(size, size, dtype: dtype, device: this.device);
        b = randn(size, size, dtype: dtype, device: this.device);
        using var _ = no_grad();
        a.mm(b).Dispose();   // first product pays for allocation and thread start-up
        TrainStepBenchmark.Synchronize(this.device);
    }

    public int Size { get; }

    /// <summary>GFLOP/s of <paramref name="repeats"/> back-to-back products.</summary>
    public double MeasureGflops(int repeats = 1)
    {
        using var _ = no_grad();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++) a.mm(b).Dispose();
        TrainStepBenchmark.Synchronize(device);
        return repeats * 2.0 * Size * Size * Size / clock.Elapsed.TotalSeconds / 1e9;
    }

    public void Dispose()
    {
        a.Dispose();
        b.Dispose();
    }
}
