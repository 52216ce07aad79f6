using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Search.Distributions;

namespace DeiT.Tuning.Cli.Commands.Export.TensorBoard;

/// <summary>
/// A study as a TensorBoard log folder (what Ray Tune writes per trial): the HParams experiment (the space's
/// parameters and the metrics) in the folder itself, and per trial a run trial-NNNN with its session start
/// (parameters), one scalar per metric and epoch (step = epoch; val/top1, val/top5, val/loss, train/loss,
/// train/images_per_second, and test/top1 once it completed) and its session end (completed and pruned: success;
/// failed: failure; running or stopped trials have none). File names are fixed, so exporting again replaces them.
/// </summary>
public static class TensorBoardExport
{
    public const string FileName = "events.out.tfevents.0.deit-tune";

    static readonly HParamMetric[] Metrics =
    [
        new("val/top1", true), new("val/top5", true), new("val/loss", true), new("train/loss", false), new("test/top1", false),
    ];

    /// <summary>Writes the folder; returns how many trial runs it holds.</summary>
    public static int Write(StudySnapshot s, string folder)
    {
        Directory.CreateDirectory(folder);
        var space = SearchSpace.ForStudy(s.Spec.Space);
        var created = Seconds(s.CreatedAt);
        WriteFile(Path.Combine(folder, FileName),
        [
            TensorBoardEvents.FileVersion(created),
            TensorBoardEvents.Experiment(created, s.Spec.Name, Domains(space, s.Trials), Metrics, created),
        ]);
        var runs = 0;
        foreach (var trial in s.Trials.Where(t => t.StartedAt is not null || t.Epochs.Count > 0))
        {
            var run = Path.Combine(folder, $"trial-{trial.Number:D4}");
            Directory.CreateDirectory(run);
            WriteFile(Path.Combine(run, FileName), Session(trial));
            runs++;
        }
        return runs;
    }

    private static List<byte[]> Session(TrialRecord trial)
    {
        var start = Seconds(trial.StartedAt ?? trial.CreatedAt);
        var events = new List<byte[]>
        {
            TensorBoardEvents.FileVersion(start),
            TensorBoardEvents.SessionStart(start, trial.Params.ToDictionary(p => p.Key, p => p.Value.Choice is { } c ? new HParamValue(null, c) : new HParamValue(p.Value.Number, null)), start),
        };
        var clock = start;
        foreach (var e in trial.Epochs)
        {
            clock += e.Seconds;
            foreach (var (tag, value) in new[] { ("val/top1", e.Top1), ("val/top5", e.Top5), ("val/loss", e.Loss), ("train/loss", e.TrainLoss), ("train/images_per_second", e.ImagesPerSecond) })
                if (double.IsFinite(value)) events.Add(TensorBoardEvents.Scalar(clock, e.Epoch, tag, (float)value));
        }
        if (trial.TestTop1 is { } test && trial.Epochs.Count > 0)
            events.Add(TensorBoardEvents.Scalar(clock, trial.Epochs[^1].Epoch, "test/top1", (float)test));
        var status = trial.Status switch
        {
            TrialStatus.Completed or TrialStatus.Pruned => SessionStatus.Success,
            TrialStatus.Failed => SessionStatus.Failure,
            _ => (SessionStatus?)null,
        };
        if (status is { } ended && trial.FinishedAt is { } finished)
            events.Add(TensorBoardEvents.SessionEnd(Seconds(finished), ended, Seconds(finished)));
        return events;
    }

    /// <summary>The space's parameters (numbers over their range, choices as strings), and any other a trial carries.</summary>
    private static List<HParamDomain> Domains(SearchSpace space, IReadOnlyList<TrialRecord> trials)
    {
        var domains = space.Parameters.Select(p => p switch
        {
            CategoricalDistribution c => new HParamDomain(p.Name, null, null, c.Choices),
            NumericDistribution n => new HParamDomain(p.Name, n.Low, n.High, null),
            _ => throw new InvalidOperationException($"parameter {p.Name}: no TensorBoard domain for {p.GetType().Name}"),
        }).ToList();
        foreach (var extra in trials.SelectMany(t => t.Params).Where(p => !space.Contains(p.Key)).GroupBy(p => p.Key))
        {
            var values = extra.Select(p => p.Value).ToList();
            domains.Add(values.Any(v => v.Choice is not null)
                ? new HParamDomain(extra.Key, null, null, values.Select(v => v.Choice ?? "").Distinct().Order(StringComparer.Ordinal).ToList())
                : new HParamDomain(extra.Key, values.Min(v => v.Number), values.Max(v => v.Number), null));
        }
        return domains;
    }

    private static double Seconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    private static void WriteFile(string path, IEnumerable<byte[]> events)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        foreach (var e in events) TfRecord.Write(file, e);
    }
}
