namespace DeiT.Tuning.Abstractions.Trials;

/// <summary>Lines of a trial's text file, and where they came from; <see cref="Unreachable"/> says why the silo that
/// has the file could not be asked. Null lines with no reason: the file is nowhere yet.</summary>
public sealed record TrialFileLines(string Source, IReadOnlyList<string>? Lines, string? Unreachable = null);

/// <summary>A trial's file to read, and where it comes from; a null <see cref="Stream"/> as in <see cref="TrialFileLines"/>.</summary>
public sealed record TrialFileContent(string Source, Stream? Stream, string? Unreachable = null);

/// <summary>
/// Reads a file in a trial's folder for a client: from the CheckpointRoot on this machine when that holds it (the
/// embedded default, a shared mount), else from the silo that ran the trial's latest attempt, through
/// <see cref="ITrialFilesGrain"/> — so a laptop's CLI or a dashboard reads the files of a cluster's trials.
/// </summary>
public sealed class TrialFileReader(IGrainFactory grains, string? localCheckpointRoot, int chunkBytes = ITrialFilesGrain.MaxChunkBytes)
{
    private const int CopyAttempts = 3;

    public async Task<TrialFileLines> Tail(string study, TrialRecord trial, string file, int lines)
    {
        var relative = Relative(study, trial, file);
        if (LocalPath(relative) is { } local && TextTail.Read(local, lines) is { } found) return new TrialFileLines(local, found);
        var (source, remote, unreachable) = await FromSilo(trial, relative, files => files.Tail(relative, lines));
        return new TrialFileLines(source, remote, unreachable);
    }

    /// <summary>The file to read (this machine's copy, else a <see cref="SiloFileStream"/> from the silo that ran the
    /// trial); <see cref="TrialFileContent.Stream"/> is null when it is nowhere, or its silo cannot be asked (and why).</summary>
    public async Task<TrialFileContent> Open(string study, TrialRecord trial, string file)
    {
        var relative = Relative(study, trial, file);
        if (LocalPath(relative) is { } local && GrowingFile.TryOpen(local) is { } opened) return new TrialFileContent(local, opened);
        var (source, stream, unreachable) = await FromSilo(trial, relative, files => SiloFileStream.Open(files, relative, chunkBytes));
        return new TrialFileContent(source, stream, unreachable);
    }

    /// <summary>Up to <paramref name="count"/> bytes of the file from <paramref name="offset"/>, with its length (this
    /// machine's copy, else the silo's): for following a log as it grows. A null chunk: the file is nowhere yet.</summary>
    public async Task<(string Source, FileChunk? Chunk, string? Unreachable)> ReadAt(string study, TrialRecord trial, string file, long offset, int count)
    {
        var relative = Relative(study, trial, file);
        if (LocalPath(relative) is { } local && await FileChunk.ReadAsync(local, offset, count) is { } chunk) return (local, chunk, null);
        return await FromSilo(trial, relative, files => files.Read(relative, offset, count));
    }

    /// <summary>Copies the file to <paramref name="destination"/> (whole, or not at all); returns where it came from,
    /// or null (with why, when its silo cannot be asked) when it is nowhere.</summary>
    public async Task<(string? Source, string? Unreachable)> CopyTo(string study, TrialRecord trial, string file, string destination, CancellationToken cancellationToken = default)
    {
        var partial = destination + ".part";
        for (var attempt = 1; ; attempt++)
        {
            var content = await Open(study, trial, file);
            if (content.Stream is not { } input) return (null, content.Unreachable);
            try
            {
                await using (input)
                await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write))
                    await input.CopyToAsync(output, chunkBytes, cancellationToken);
                File.Move(partial, destination, overwrite: true);
                return (content.Source, null);
            }
            catch (FileChangedException) when (attempt < CopyAttempts)
            {
                // Rewritten while copied (a better epoch's weights): copy the new one.
            }
            finally
            {
                File.Delete(partial);
            }
        }
    }

    private async Task<(string Source, T? Found, string? Unreachable)> FromSilo<T>(TrialRecord trial, string relative, Func<ITrialFilesGrain, Task<T?>> read)
        where T : class
    {
        if (trial.Silo is not { } silo) return (LocalPath(relative) ?? relative, null, null);
        var key = ITrialFilesGrain.KeyOf(silo);
        var source = $"{relative} on silo {key}";
        try
        {
            return (source, await read(grains.GetGrain<ITrialFilesGrain>(key)), null);
        }
        catch (Exception e) when (e is not (ArgumentException or IOException or OperationCanceledException))
        {
            return (source, null, $"silo {key}, which ran it, cannot be asked for it ({e.GetBaseException().Message})");
        }
    }

    private static string Relative(string study, TrialRecord trial, string file) => Path.Combine(TrialFolder.Relative(study, trial.Number), file);

    private string? LocalPath(string relative) => localCheckpointRoot is { } root ? Path.GetFullPath(Path.Combine(root, relative)) : null;
}
