using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Data;

/// <summary>
/// One prepared batch: normalized images B×C×H×W and labels. Dispose it to hand its buffers back to the loader.
/// The images live in native memory (pinned for CUDA uploads when the loader asks), written there by the loader's
/// workers, so a batch goes to the device without a host copy. A full batch holds exactly B images; a short last
/// batch gets storage of its own size.
/// </summary>
public sealed class Batch : IDisposable
{
    private readonly Action<Batch>? _returnToPool;
    private readonly Tensor _images;
    private readonly nint _pixels;
    private readonly int _imageSize;
    private int _disposed;

    internal Batch(int count, int channels, int height, int width, bool pinMemory, Action<Batch>? returnToPool)
    {
        Count = count;
        _images = NativeImages([count, channels, height, width], pinMemory);
        _imageSize = channels * height * width;
        unsafe
        {
            // Native memory does not move: its address holds for the tensor's life.
            using var first = _images.view(-1).narrow(0, 0, 1);
            fixed (byte* pixels = first.bytes) _pixels = (nint)pixels;
        }
        Labels = new long[count];
        Indices = new int[count];
        Channels = channels;
        Height = height;
        Width = width;
        _returnToPool = returnToPool;
    }

    public int Count;
    public long[] Labels;
    public int Channels, Height, Width;
    /// <summary>Source-dataset index of each image.</summary>
    public int[] Indices;

    /// <summary>All images, C×H×W each, as floats in one span (so at most 2³¹ of them).</summary>
    public unsafe Span<float> Images
    {
        get
        {
            ObjectDisposedException.ThrowIf(_images.IsInvalid, this);
            return new((float*)_pixels, checked(Count * _imageSize));
        }
    }

    /// <summary>Image <paramref name="i"/>'s C×H×W floats, for a worker to render into.</summary>
    internal unsafe Span<float> Pixels(int i)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)Count, nameof(i));
        ObjectDisposedException.ThrowIf(_images.IsInvalid, this);
        return new((float*)_pixels + (long)i * _imageSize, _imageSize);
    }

    /// <summary>Images as a float32 tensor [Count, C, H, W] on the device (copied: the batch may be disposed after).
    /// <paramref name="nonBlocking"/>: a CUDA upload from page-locked memory is queued, not waited for, so the host
    /// goes on while the GPU still works on what came before; the caller must then synchronize the stream (e.g. read a
    /// result back) before disposing the batch, or a worker may refill it while it is still being read.</summary>
    public Tensor ToImagesTensor(Device device, bool nonBlocking = false) =>
        device.type == DeviceType.CPU ? _images.clone() : _images.to(device, non_blocking: nonBlocking);

    /// <summary>Labels as an int64 tensor [Count] on the device. <paramref name="nonBlocking"/>: a CUDA upload goes
    /// through page-locked memory and is queued, not waited for (libtorch keeps that memory until the copy is done).</summary>
    public Tensor ToLabelsTensor(Device device, bool nonBlocking = false)
    {
        var cpu = torch.tensor(Labels, [Count]);
        if (device.type == DeviceType.CPU) return cpu;
        using (cpu)
        {
            if (!nonBlocking) return cpu.to(device);
            using var pinned = TryPin(cpu);
            return (pinned ?? cpu).to(device, non_blocking: true);
        }
    }

    private static Tensor NativeImages(long[] shape, bool pinMemory)
    {
        var images = torch.empty(shape, float32);
        if (!pinMemory) return images;
        if (TryPin(images) is not { } pinned) return images;
        images.Dispose();
        return pinned;
    }

    /// <summary>A page-locked copy of <paramref name="cpu"/>, or null where none can be had (no CUDA, or page-locked
    /// memory exhausted: uploads are then slower, not wrong).</summary>
    private static Tensor? TryPin(Tensor cpu)
    {
        try { return cpu.pin_memory(); }
        catch (ExternalException) { return null; }
    }

    internal void Rent() => Volatile.Write(ref _disposed, 0);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_returnToPool is null) Free();
        else _returnToPool(this);
    }

    /// <summary>Releases the native images for good (a batch the pool does not take back).</summary>
    internal void Free() => _images.Dispose();
}
