using System.Text.Json;
using System.Text.Json.Serialization;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Trials;

/// <summary>
/// Every epoch report of a trial, appended (and flushed to disk) in its checkpoint folder before the study hears of
/// it. A report in flight when a silo dies is checkpointed with the epoch but lost on the wire; the next attempt
/// sends the journal to the study, which adds the epochs its record lacks.
/// </summary>
public sealed class EpochJournal(string checkpointDirectory)
{
    public const string FileName = "epoch-reports.jsonl";

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly Lock _gate = new();
    private readonly HashSet<EpochMetrics> _written = [];

    public string Path { get; } = System.IO.Path.Combine(checkpointDirectory, FileName);

    /// <summary>Appends a report; one seen twice (by a runner reading ahead, then when reported) is written once.</summary>
    public void Append(EpochMetrics metrics)
    {
        lock (_gate)
        {
            if (!_written.Add(metrics)) return;
            using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            file.Write(JsonSerializer.SerializeToUtf8Bytes(metrics, Json));
            file.WriteByte((byte)'\n');
            file.Flush(flushToDisk: true);
        }
    }

    /// <summary>The latest report of each epoch, in epoch order; a line cut short by a crash is skipped.</summary>
    public IReadOnlyList<EpochMetrics> Read()
    {
        if (!File.Exists(Path)) return [];
        var latest = new SortedDictionary<int, EpochMetrics>();
        foreach (var line in File.ReadLines(Path))
        {
            EpochMetrics? metrics;
            try
            {
                metrics = JsonSerializer.Deserialize<EpochMetrics>(line, Json);
            }
            catch (JsonException)
            {
                continue;
            }
            if (metrics is { Epoch: > 0 }) latest[metrics.Epoch] = metrics;
        }
        return latest.Values.ToList();
    }
}
