using System.Runtime.InteropServices;
using System.Text;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Cli.Commands.Trials;

/// <summary>
/// `trials --study S --trial N --follow`: the end of a trial's log, then every line as it is written, until the trial
/// has finished and its log is read to the end (as `kubectl logs -f`). The log is read from this machine's checkpoint
/// root when it has it, else from the silo running the trial; an attempt that moves to another silo is followed there.
/// </summary>
public sealed class TrialLogFollower(IStudyGrain study, TrialFileReader files, TextWriter output, TextWriter progress)
{
    private const int TailBytes = 256 * 1024;
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromSeconds(1);

    private string? _source;
    private long _position;
    private readonly List<byte> _partial = [];

    /// <summary>Follows trial <paramref name="number"/>, waiting for it to launch if the study has not yet; returns its
    /// record once it has finished and every line is out, or null when the study ended without launching it.</summary>
    public async Task<TrialRecord?> Run(string name, int number, int lines, TimeSpan poll, CancellationToken cancellationToken)
    {
        string? said = null;
        while (true)
        {
            var snapshot = await study.GetSnapshot() ?? throw new InvalidOperationException($"study {name} is gone (deleted?)");
            if (snapshot.Trials.FirstOrDefault(t => t.Number == number) is not { } trial)
            {
                if (snapshot.State is StudyState.Finished or StudyState.Stopped) return null;
                var waiting = $"waiting for trial {number} to launch (study {name} has launched {snapshot.Trials.Count} of its {snapshot.Spec.Trials})";
                if (waiting != said) await progress.WriteLineAsync(waiting);
                said = waiting;
                await Task.Delay(poll, cancellationToken);
                continue;
            }
            var finished = trial.IsFinished; // read before the log: the lines it wrote before finishing are all there
            // Until it knows where the log is, it asks for its length only.
            var (source, chunk, unreachable) = await files.ReadAt(name, trial, TrialFolder.Log, _source is null ? 0 : _position, _source is null ? 0 : ITrialFilesGrain.MaxChunkBytes);
            var note = unreachable ?? (chunk is null ? $"waiting for the log of trial {number} (it has not started)" : null);
            if (note is not null && note != said) await progress.WriteLineAsync(note);
            said = note;
            if (chunk is not null)
            {
                if (source != _source || chunk.Length < _position) await Restart(name, trial, source, chunk.Length, lines);
                else Print(chunk.Bytes);
            }
            if (finished && (chunk is null || _position >= chunk.Length))
            {
                if (_partial.Count > 0) await output.WriteLineAsync(Encoding.UTF8.GetString([.. _partial]));
                return trial;
            }
            await Task.Delay(poll, cancellationToken);
        }
    }

    /// <summary>Starts on a log it has not read yet (the first, or another silo's): its last lines, then from its end.</summary>
    private async Task Restart(string name, TrialRecord trial, string source, long length, int lines)
    {
        if (_source is not null) await progress.WriteLineAsync($"== now following {source}");
        _source = source;
        _partial.Clear();
        var start = Math.Max(0, length - TailBytes);
        var (_, chunk, _) = await files.ReadAt(name, trial, TrialFolder.Log, start, (int)(length - start));
        var bytes = chunk?.Bytes ?? [];
        // Whole lines only: the first one when the read began mid-file, the last one until its line end arrives.
        var first = start == 0 ? 0 : Array.IndexOf(bytes, (byte)'\n') + 1;
        var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        foreach (var line in GrowingFile.Lines(bytes.AsSpan(first, Math.Max(0, end - first))).TakeLast(lines)) await output.WriteLineAsync(line);
        _position = start + end;
    }

    /// <summary>Writes the complete lines of what was appended; a line still being written waits for its end.</summary>
    private void Print(byte[] appended)
    {
        _position += appended.Length;
        _partial.AddRange(appended);
        var end = _partial.LastIndexOf((byte)'\n') + 1;
        if (end == 0) return;
        foreach (var line in GrowingFile.Lines(CollectionsMarshal.AsSpan(_partial)[..end])) output.WriteLine(line);
        _partial.RemoveRange(0, end);
    }
}
