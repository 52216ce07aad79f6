using System.Globalization;
using System.Text.RegularExpressions;

namespace DeiT.Tuning.Training.Engine;

/// <summary>A checkpoint found on disk: its file and its (validated) header.</summary>
public sealed record StoredCheckpoint(string Path, CheckpointHeader Header);

/// <summary>Raised when a checkpoint folder holds the checkpoint of a different job.</summary>
public sealed class CheckpointMismatchException(string message) : InvalidOperationException(message);

/// <summary>
/// Per-epoch checkpoints of one job in one folder (epoch-0001.ckpt, ...). Keeps the newest <see cref="Keep"/>;
/// resuming picks the newest valid one and refuses a checkpoint written by another job.
/// </summary>
public sealed partial class CheckpointStore
{
    public const int Keep = 2;
    private readonly JobFingerprint _job;

    public CheckpointStore(string directory, JobFingerprint job)
    {
        Directory = directory;
        _job = job;
    }

    public string Directory { get; }

    public string PathFor(int epoch) => Path.Combine(Directory, $"epoch-{epoch:D4}.ckpt");

    public StoredCheckpoint Save(int epoch, IReadOnlyList<EpochReport> reports, TrainingState state)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var header = new CheckpointHeader(_job.Hash, _job.CanonicalJson, epoch, reports, state.LossScaler?.State);
        var path = PathFor(epoch);
        CheckpointFile.Write(path, header, state);
        foreach (var (_, old) in Checkpoints().Skip(Keep))
            File.Delete(old);
        return new StoredCheckpoint(path, header);
    }

    /// <summary>The newest valid checkpoint, or null when there is none. Torn or corrupt files are passed over.</summary>
    /// <exception cref="CheckpointMismatchException">The newest valid checkpoint belongs to a different job.</exception>
    public StoredCheckpoint? Latest()
    {
        foreach (var (epoch, path) in Checkpoints())
        {
            var header = CheckpointFile.TryReadHeader(path, out _);
            if (header is null || header.Epoch != epoch) continue;
            if (header.JobFingerprint != _job.Hash)
            {
                var differences = _job.DifferencesFrom(new JobFingerprint(header.JobFingerprint, header.Job));
                throw new CheckpointMismatchException(
                    $"Checkpoint '{path}' was written by a different training job, so it cannot be resumed " +
                    $"(this job vs the checkpoint's: {string.Join("; ", differences)}). Use another checkpoint directory, or delete " +
                    $"the checkpoints in '{Directory}' to start over.");
            }
            return new StoredCheckpoint(path, header);
        }
        return null;
    }

    public void Restore(StoredCheckpoint checkpoint, TrainingState state)
    {
        CheckpointFile.Restore(checkpoint.Path, state);
        if (state.LossScaler is { } scaler && checkpoint.Header.LossScaler is { } scale) scaler.Restore(scale);
    }

    /// <summary>Checkpoint files, newest epoch first.</summary>
    private IEnumerable<(int Epoch, string Path)> Checkpoints() =>
        !System.IO.Directory.Exists(Directory)
            ? []
            : System.IO.Directory.EnumerateFiles(Directory, "epoch-*.ckpt")
                .Select(path => (Match: FileName().Match(Path.GetFileName(path)), Path: path))
                .Where(f => f.Match.Success)
                .Select(f => (int.Parse(f.Match.Groups[1].Value, CultureInfo.InvariantCulture), f.Path))
                .OrderByDescending(f => f.Item1)
                .ToList();

    [GeneratedRegex(@"^epoch-(\d+)\.ckpt$")]
    private static partial Regex FileName();
}
