namespace DeiT.Tuning.Abstractions.Trials;

/// <summary>
/// A read-only stream over a file under a silo's CheckpointRoot, fetched through <see cref="ITrialFilesGrain"/> a chunk
/// at a time. Its length is the file's when it was opened; a read that finds the file rewritten since (a better
/// epoch's weights) throws <see cref="FileChangedException"/> rather than mix two versions.
/// </summary>
public sealed class SiloFileStream : Stream
{
    private readonly ITrialFilesGrain _files;
    private readonly string _relativePath;
    private readonly int _chunkBytes;
    private readonly long _version;
    private byte[] _chunk;
    private long _chunkStart;
    private long _position;

    private SiloFileStream(ITrialFilesGrain files, string relativePath, int chunkBytes, FileChunk first)
    {
        (_files, _relativePath, _chunkBytes) = (files, relativePath, chunkBytes);
        (Length, _version, _chunk) = (first.Length, first.Version, first.Bytes);
    }

    /// <summary>The stream, or null when the silo has no such file.</summary>
    public static async Task<SiloFileStream?> Open(ITrialFilesGrain files, string relativePath, int chunkBytes = ITrialFilesGrain.MaxChunkBytes) =>
        await files.Read(relativePath, 0, chunkBytes) is { } first ? new SiloFileStream(files, relativePath, chunkBytes, first) : null;

    public override long Length { get; }
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= Length || buffer.Length == 0) return 0;
        if (_position < _chunkStart || _position >= _chunkStart + _chunk.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = await _files.Read(_relativePath, _position, _chunkBytes) ?? throw new FileChangedException(_relativePath, "was deleted");
            if (chunk.Version != _version || chunk.Length != Length) throw new FileChangedException(_relativePath, "was rewritten");
            if (chunk.Bytes.Length == 0) return 0;
            (_chunk, _chunkStart) = (chunk.Bytes, _position);
        }
        var offset = (int)(_position - _chunkStart);
        var count = Math.Min(buffer.Length, _chunk.Length - offset);
        _chunk.AsMemory(offset, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Grain calls are asynchronous; a synchronous read blocks on one (callers here copy with CopyToAsync).
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A file changed on its silo while it was being read.</summary>
public sealed class FileChangedException(string relativePath, string what)
    : IOException($"'{relativePath}' {what} while it was read; try again (or when its trial has finished)");
