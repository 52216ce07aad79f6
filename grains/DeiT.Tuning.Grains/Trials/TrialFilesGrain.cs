using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Hosting;
using DeiT.Tuning.Grains.Placement;
using Microsoft.Extensions.Options;

namespace DeiT.Tuning.Grains.Trials;

/// <summary>Reads files under this silo's CheckpointRoot for clients elsewhere; a path that would leave the root is refused.</summary>
[SiloEndpointPlacement]
public sealed class TrialFilesGrain(IOptions<TuningSiloOptions> options) : Grain, ITrialFilesGrain
{
    public Task<IReadOnlyList<string>?> Tail(string relativePath, int lines) =>
        Task.FromResult(TextTail.Read(PathOf(relativePath), lines));

    public async Task<FileChunk?> Read(string relativePath, long offset, int count)
    {
        if (offset < 0 || count < 0) throw new ArgumentOutOfRangeException(nameof(offset), $"offset {offset} and count {count} must not be negative");
        var path = PathOf(relativePath);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, useAsync: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        await using (stream)
        {
            var length = stream.Length;
            var version = File.GetLastWriteTimeUtc(path).Ticks;
            var bytes = new byte[(int)Math.Clamp(length - offset, 0, Math.Min(count, ITrialFilesGrain.MaxChunkBytes))];
            stream.Position = Math.Min(offset, length);
            await stream.ReadExactlyAsync(bytes);
            return new FileChunk(length, version, bytes);
        }
    }

    private string PathOf(string relativePath) => CheckpointPaths.Inside(options.Value.CheckpointRoot, relativePath);
}
