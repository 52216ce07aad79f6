using System.Globalization;
using System.Text;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>
/// The trial's log (<see cref="TrialFolder.Log"/> in its checkpoint folder): each attempt appends a header line, then
/// every line its process prints besides the reports, flushed line by line so that a crash of the silo loses nothing
/// written before it. An attempt writes at most <see cref="LimitBytes"/> (16 MiB) besides its header; a log that cannot be
/// opened is skipped (the trial's reason still carries the last lines).
/// </summary>
public sealed class TrialLog : IDisposable
{
    public const long LimitBytes = 16L << 20;

    private readonly StreamWriter? _writer;
    private readonly long _limit;
    private readonly Lock _gate = new();
    private long _written;
    private bool _done; // over the limit, the disk full, or closed: nothing more is written

    private TrialLog(StreamWriter? writer, long limit) => (_writer, _limit) = (writer, limit);

    /// <summary>Opens the log of the trial whose folder is <paramref name="folder"/> and writes the attempt's header line.</summary>
    public static TrialLog Open(string folder, string header, long limitBytes = LimitBytes)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var stream = new FileStream(Path.Combine(folder, TrialFolder.Log), FileMode.Append, FileAccess.Write, FileShare.Read);
            var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
            writer.WriteLine($"== {header}");
            return new TrialLog(writer, limitBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new TrialLog(null, 0);
        }
    }

    /// <summary>The header of an attempt: its number, where it runs, when, and the command line.</summary>
    public static string Header(RunnerContext context, IEnumerable<string> argv)
    {
        var lease = context.Assignment.Lease;
        return string.Create(CultureInfo.InvariantCulture,
            $"attempt {context.Assignment.Attempt} on {lease.Silo} {lease.Device}, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z: {string.Join(' ', argv)}");
    }

    public void Write(string line)
    {
        if (_writer is null) return;
        lock (_gate)
        {
            if (_done) return;
            _written += Encoding.UTF8.GetByteCount(line) + 1;
            try
            {
                if (_written > _limit)
                {
                    _done = true;
                    _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== the rest of this attempt's output is left out (over {_limit} bytes)"));
                    return;
                }
                _writer.WriteLine(line);
            }
            catch (IOException)
            {
                _done = true; // a full disk: the trial goes on without its log
            }
        }
    }

    /// <summary>Closes the log; lines the process's readers deliver after this are dropped.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _done = true;
            _writer?.Dispose();
        }
    }
}
