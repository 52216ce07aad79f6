namespace DeiT.Tuning.Abstractions.Trials;

/// <summary>Lines of a trial's text file, and where they came from; <see cref="Unreachable"/> says why the silo that
/// has the file could not be asked. Null lines with no reason: the file is nowhere yet.</summary>
public sealed record TrialFileLines(string Source, IReadOnlyList<string>? Lines, string? Unreachable = null);

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
        var relative = Path.Combine(TrialFolder.Relative(study, trial.Number), file);
        if (LocalPath(relative) is { } local && TextTail.Read(local, lines) is { } found) return new TrialFileLines(local, found);
        if (trial.Silo is not { } silo) return new TrialFileLines(LocalPath(relative) ?? relative, null);
        var key = ITrialFilesGrain.KeyOf(silo);
        var source = $"{relative} on silo {key}";
        try
        {
            return new TrialFileLines(source, await grains.GetGrain<ITrialFilesGrain>(key).Tail(relative, lines));
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return new TrialFileLines(source, null, Unreachable(key, e));
        }
    }

    /// <summary>Copies the file to <paramref name="destination"/>; returns where it came from, or null (with why) when it is nowhere.</summary>
    public async Task<(string? Source, string? Unreachable)> CopyTo(string study, TrialRecord trial, string file, string destination, CancellationToken cancellationToken = default)
    {
        var relative = Path.Combine(TrialFolder.Relative(study, trial.Number), file);
        if (LocalPath(relative) is { } local && File.Exists(local))
        {
            File.Copy(local, destination, overwrite: true);
            return (local, null);
        }
        if (trial.Silo is not { } silo) return (null, null);
        var key = ITrialFilesGrain.KeyOf(silo);
        try
        {
            return await CopyFromSilo(grains.GetGrain<ITrialFilesGrain>(key), relative, destination, cancellationToken) ? ($"{relative} on silo {key}", null) : (null, null);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return (null, Unreachable(key, e));
        }
    }

    private async Task<bool> CopyFromSilo(ITrialFilesGrain files, string relative, string destination, CancellationToken cancellationToken)
    {
        var partial = destination + ".part";
        try
        {
            for (var attempt = 1; attempt <= CopyAttempts; attempt++)
            {
                switch (await CopyOnce(files, relative, partial, cancellationToken))
                {
                    case Copy.Missing:
                        return false;
                    case Copy.Done:
                        File.Move(partial, destination, overwrite: true);
                        return true;
                }
            }
            throw new IOException($"'{relative}' kept changing while it was copied ({CopyAttempts} tries); try again when its trial has finished");
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private enum Copy { Done, Missing, Rewritten }

    private async Task<Copy> CopyOnce(ITrialFilesGrain files, string relative, string partial, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(partial, FileMode.Create, FileAccess.Write);
        long? version = null;
        for (long offset = 0; ;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await files.Read(relative, offset, chunkBytes) is not { } chunk) return Copy.Missing;
            if (version is { } v && v != chunk.Version) return Copy.Rewritten; // e.g. a better epoch's weights meanwhile
            version = chunk.Version;
            await output.WriteAsync(chunk.Bytes, cancellationToken);
            offset += chunk.Bytes.Length;
            if (offset >= chunk.Length || chunk.Bytes.Length == 0) return Copy.Done;
        }
    }

    private string? LocalPath(string relative) => localCheckpointRoot is { } root ? Path.GetFullPath(Path.Combine(root, relative)) : null;

    private static bool IsUnreachable(Exception e) => e is not (ArgumentException or IOException or OperationCanceledException);

    private static string Unreachable(string silo, Exception e) => $"silo {silo}, which ran it, cannot be asked for it ({e.GetBaseException().Message})";
}
