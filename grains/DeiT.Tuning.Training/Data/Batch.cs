using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Data;

/// <summary>
/// One prepared batch: normalized images B×C×H×W and labels. Dispose it to hand its buffers back to the loader.
/// A full batch's arrays are exactly B×C×H×W / B long; a short last batch gets arrays of its own size.
/// </summary>
public sealed class Batch : IDisposable
{
    private readonly Action<Batch>? _returnToPool;
    private int _disposed;

    internal Batch(int count, int channels, int height, int width, Action<Batch>? returnToPool)
    {
        Count = count;
        Images = new float[(long)count * channels * height * width];
        Labels = new long[count];
        Indices = new int[count];
        Channels = channels;
        Height = height;
        Width = width;
        _returnToPool = returnToPool;
    }

    public int Count;
    public float[] Images;
    public long[] Labels;
    public int Channels, Height, Width;
    /// <summary>Source-dataset index of each image.</summary>
    public int[] Indices;

    /// <summary>Images as a float32 tensor [Count, C, H, W] on the device (copied: the batch may be disposed after).</summary>
    public Tensor ToImagesTensor(Device device) => OnDevice(torch.tensor(Images, [Count, Channels, Height, Width]), device);

    public Tensor ToLabelsTensor(Device device) => OnDevice(torch.tensor(Labels, [Count]), device);

    private static Tensor OnDevice(Tensor cpu, Device device)
    {
        if (device.type == DeviceType.CPU) return cpu;
        using (cpu) return cpu.to(device);
    }

    internal void Rent() => Volatile.Write(ref _disposed, 0);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _returnToPool?.Invoke(this);
    }
}
