namespace DeiT.Tuning.Abstractions.Trials;

/// <summary>
/// One silo's trial folders (under its CheckpointRoot), for a client or dashboard on another host with no copy of them:
/// a trial's log, its best weights, its test predictions. Keyed by the silo's endpoint (<see cref="KeyOf"/> of
/// <see cref="TrialRecord.Silo"/>) and activated on the silo at that endpoint, whichever its generation.
/// </summary>
public interface ITrialFilesGrain : IGrainWithStringKey
{
    /// <summary>The most one <see cref="Read"/> returns.</summary>
    const int MaxChunkBytes = 4 << 20;

    /// <summary>The silo's endpoint ("ip:port") in a silo address as TrialRecord.Silo holds it ("ip:port@generation").</summary>
    static string KeyOf(string silo) => silo.Split('@')[0];

    /// <summary>The last lines of a text file under the silo's CheckpointRoot; null when the silo has no such file.</summary>
    Task<IReadOnlyList<string>?> Tail(string relativePath, int lines);

    /// <summary>Up to <paramref name="count"/> bytes (at most <see cref="MaxChunkBytes"/>) of a file under the silo's
    /// CheckpointRoot from <paramref name="offset"/>, with the file's length and version; null when the silo has no such file.</summary>
    Task<FileChunk?> Read(string relativePath, long offset, int count);
}

/// <summary>Part of a file; <see cref="Version"/> (its last write time) changes when the file is rewritten, so a copy
/// made of several chunks knows whether they all come from the same file.</summary>
[GenerateSerializer, Immutable, Alias("deit.FileChunk")]
public sealed record FileChunk([property: Id(0)] long Length, [property: Id(1)] long Version, [property: Id(2)] byte[] Bytes)
{
    /// <summary>Up to <paramref name="count"/> bytes (at most <see cref="ITrialFilesGrain.MaxChunkBytes"/>) of the file
    /// from <paramref name="offset"/>, which may still be growing; null when there is no such file.</summary>
    public static async Task<FileChunk?> ReadAsync(string path, long offset, int count)
    {
        if (offset < 0 || count < 0) throw new ArgumentOutOfRangeException(nameof(offset), $"offset {offset} and count {count} must not be negative");
        if (GrowingFile.TryOpen(path, useAsync: true) is not { } stream) return null;
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
}
