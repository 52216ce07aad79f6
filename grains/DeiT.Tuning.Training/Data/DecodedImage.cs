using System.Buffers;

namespace DeiT.Tuning.Training.Data;

/// <summary>A decoded RGB image at its original size, pixels interleaved (HWC), in a pooled buffer: dispose it.</summary>
public sealed class DecodedImage : IDisposable
{
    private byte[]? _buffer;

    internal DecodedImage(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width}×{height} must be positive.");
        Width = width;
        Height = height;
        _buffer = ArrayPool<byte>.Shared.Rent(3 * width * height);
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Row-major RGB triples, 3·Width·Height bytes.</summary>
    public Span<byte> Pixels => (_buffer ?? throw new ObjectDisposedException(nameof(DecodedImage))).AsSpan(0, 3 * Width * Height);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }
}
