using System.Globalization;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Cluster;

/// <summary>Tables and JSON documents of studies and trials, shared by the read commands.</summary>
public static class StudyViews
{
    public static string Format(double? value) =>
        value is { } v ? v.ToString("G5", CultureInfo.InvariantCulture) : "-";

    public static string Params(TrialRecord trial) =>
        (trial.RetrainOf is { } of ? $"[retrain of {of}, {trial.EpochBudget} epochs, seed {trial.Seed}] " : "") +
        (trial.PlanKey is { } key ? $"[{key}] " : "") +
        string.Join(" ", trial.Params.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value.Choice ?? p.Value.Number.ToString("G3", CultureInfo.InvariantCulture)}"));

    public static string State(TrialRecord trial) => StudyReading.State(trial);

    public static Table TrialTable(string title, IEnumerable<TrialRecord> trials, string metric, bool ranked)
    {
        var rows = trials.ToList();
        var tested = rows.Any(t => t.TestTop1 is not null);
        var table = new Table().Title(Markup.Escape(title)).Border(TableBorder.Rounded);
        if (ranked) table.AddColumn(new TableColumn("rank").RightAligned());
        foreach (var column in new[] { "trial", metric }.Concat(tested ? ["test top1"] : []).Concat(["state", "epochs", "device", "parameters", "reason"]))
            table.AddColumn(new TableColumn(column));
        var rank = 1;
        foreach (var t in rows)
        {
            var cells = new List<string>();
            if (ranked) cells.Add((rank++).ToString(CultureInfo.InvariantCulture));
            cells.AddRange([t.Number.ToString(CultureInfo.InvariantCulture), Format(t.Value)]);
            if (tested) cells.Add(Format(t.TestTop1));
            cells.AddRange([State(t), t.Epochs.Count.ToString(CultureInfo.InvariantCulture), t.Device ?? "", Params(t), t.Reason ?? ""]);
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        return table;
    }

    public static object TrialJson(TrialRecord t) => new
    {
        number = t.Number,
        state = State(t),
        value = t.Value,
        test_top1 = t.TestTop1,
        retrain_of = t.RetrainOf,
        plan_key = t.PlanKey,
        epoch_budget = t.EpochBudget,
        seed = t.Seed,
        @params = t.Params.ToDictionary(p => p.Key, p => p.Value.Choice is { } c ? (object)c : p.Value.Number),
        reason = t.Reason,
        epochs = t.Epochs.Select(e => new { epoch = e.Epoch, top1 = e.Top1, top5 = e.Top5, loss = e.Loss, train_loss = e.TrainLoss, images_per_second = e.ImagesPerSecond, seconds = e.Seconds }),
        device = t.Device,
        silo = t.Silo,
        attempt = t.Attempt,
        resumed_from_epoch = t.ResumedFromEpoch,
        device_seconds = t.DeviceSeconds,
        created_at = t.CreatedAt,
        started_at = t.StartedAt,
        finished_at = t.FinishedAt,
        external = t.External,
    };

    public static object StatusJson(StudySnapshot s)
    {
        var use = StudyUtilization.Of(s);
        return new
        {
            study = s.Spec.Name,
            state = s.State.ToString().ToLowerInvariant(),
            stop_reason = s.StopReason,
            metric = s.Spec.Metric,
            direction = s.Spec.Direction.ToString().ToLowerInvariant(),
            sampler = s.Spec.Sampler,
            pruner = s.Spec.Pruner,
            trial_budget = s.Spec.Trials,
            stop_at = s.Spec.TargetValue,
            patience = s.Spec.Patience,
            parallel = s.Spec.Parallel,
            trials = Counts(s),
            best = Best(s) is { } best ? TrialJson(best) : null,
            created_at = s.CreatedAt,
            started_at = s.StartedAt,
            finished_at = s.FinishedAt,
            device_seconds = use.DeviceSeconds,
            wall_seconds = use.WallSeconds,
            devices = use.Devices,
            device_busy_fraction = use.BusyFraction,
        };
    }

    public static Dictionary<string, int> Counts(StudySnapshot s) =>
        s.Trials.GroupBy(State).ToDictionary(g => g.Key, g => g.Count());

    public static TrialRecord? Best(StudySnapshot s) => StudyReading.Best(s);

    public static void WriteStatus(StudySnapshot s, TextWriter output)
    {
        var use = StudyUtilization.Of(s);
        output.WriteLine($"study {s.Spec.Name}: {s.State.ToString().ToLowerInvariant()}{(s.StopReason is { } r ? $" ({r})" : "")}");
        output.WriteLine($"  trials {s.Trials.Count}/{s.Spec.Trials}: {string.Join(", ", Counts(s).Select(c => $"{c.Value} {c.Key}"))}");
        var rules = new[]
        {
            s.Spec.TargetValue is { } target ? $"once a trial reaches {s.Spec.Metric} {(s.Spec.Direction == OptimizationDirection.Maximize ? "≥" : "≤")} {Format(target)}" : null,
            s.Spec.Patience is { } patience ? $"after {patience} trials in a row without a new best" : null,
        }.OfType<string>().ToList();
        if (rules.Count > 0) output.WriteLine($"  ends early {string.Join(", or ", rules)}");
        if (Best(s) is { } best)
            output.WriteLine($"  best: trial {best.Number}, {s.Spec.Metric} {Format(best.Value)} ({Params(best)})");
        if (use.Devices > 0)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  devices busy {use.BusyFraction:P1} ({Seconds(use.DeviceSeconds)} device-s over {Seconds(use.WallSeconds)} s × {use.Devices} devices)"));
    }

    /// <summary>Whole seconds, with a tenth below 10 s so a short search does not read "0 s".</summary>
    private static string Seconds(double s) => s.ToString(s < 10 ? "0.0" : "F0", CultureInfo.InvariantCulture);
}
