using DeiT.Tuning.Paper.Plan;

namespace DeiT.Tuning.Paper.Report;

/// <summary>Computes the report from the plan and the study's records; nothing here trains or reads files.</summary>
public static class PaperReport
{
    public static PaperReportData Build(PaperPlan plan, PaperStudyRecords records)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(records);
        var trials = records.Trials.GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Last());
        var evaluations = records.Evaluations.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last());

        var seeded = plan.Rows.ToDictionary(r => r, r => Values(plan, r, trials, evaluations));
        var rows = plan.Rows.Select(row =>
        {
            var (values, missing) = seeded[row];
            var list = values.Values.ToList();
            double? delta = null, deltaStd = null;
            if (row.Baseline is not null)
            {
                var baseline = seeded[plan.Rows.Single(r => r.Table == row.Table && r.Config == row.Baseline)].Values;
                var differences = values.Where(v => baseline.ContainsKey(v.Key)).Select(v => v.Value - baseline[v.Key]).ToList();
                delta = Statistics.Mean(differences);
                deltaStd = Statistics.Std(differences);
            }
            var epochs = row.Source == PaperPlanner.SearchPrefix ? plan.Search.Epochs
                : row.Metric == RowMetric.Disagreement ? plan.Sizes.Epochs
                : plan.TrialsOf(row.Source).FirstOrDefault()?.Epochs ?? plan.Sizes.Epochs;
            return new ReportRow(row, list, Statistics.Mean(list), Statistics.Std(list), delta, deltaStd, epochs, missing);
        }).ToList();

        var curves = plan.Rows
            .Where(r => r.Metric == RowMetric.Top1 && r.Source != PaperPlanner.SearchPrefix && r.Table is PaperTable.Ablation or PaperTable.Distillation or PaperTable.Teacher)
            .Select(r => Curve(plan, r, trials)).Where(c => c is not null).Select(c => c!).ToList();
        var data = new PaperReportData(plan.Study, plan.Budget, rows, curves, "");
        return data with { Findings = Findings.Write(data) };
    }

    /// <summary>The row's values (percent) keyed by seed, and what is missing with why.</summary>
    private static (Dictionary<int, double> Values, List<string> Missing) Values(PaperPlan plan, PaperRow row,
        Dictionary<string, PaperTrialRecord> trials, Dictionary<string, PaperEvaluationRecord> evaluations)
    {
        var values = new Dictionary<int, double>();
        var missing = new List<string>();
        if (row.Metric == RowMetric.Disagreement)
        {
            var planned = plan.EvaluationsOf(row.Source);
            for (int i = 0; i < planned.Count; i++)
            {
                if (evaluations.TryGetValue(planned[i].Key, out var e) && e.State == PaperTrialState.Completed && e.Disagreement is { } d)
                    values[plan.Seeds[i]] = 100 * d;
                else missing.Add(Why(planned[i].Key, e?.State, e?.Reason));
            }
            return (values, missing);
        }
        if (row.Source == PaperPlanner.SearchPrefix)
        {
            var keys = Enumerable.Range(0, plan.Search.Trials).Select(plan.Search.TrialKey).ToList();
            var done = keys.Select(k => trials.GetValueOrDefault(k)).Where(t => t is { State: PaperTrialState.Completed, FinalTop1: not null }).ToList();
            if (done.Count > 0) values[plan.Search.Seed] = 100 * done.Max(t => t!.FinalTop1!.Value);
            missing.AddRange(keys.Where(k => done.All(t => t!.Key != k)).Select(k => Why(k, trials.GetValueOrDefault(k)?.State, trials.GetValueOrDefault(k)?.Reason)));
            return (values, missing);
        }
        foreach (var planned in plan.TrialsOf(row.Source))
        {
            if (trials.TryGetValue(planned.Key, out var t) && t.State == PaperTrialState.Completed && Value(row, t) is { } v)
                values[planned.Seed] = 100 * v;
            else missing.Add(Why(planned.Key, t?.State, t?.Reason));
        }
        return (values, missing);
    }

    /// <summary>The head's top-1 where the row names one and the trial measured heads; otherwise the final top-1.</summary>
    private static double? Value(PaperRow row, PaperTrialRecord trial) => (row.Head, trial.Heads) switch
    {
        ("class", { } h) => h.Class,
        ("dist", { } h) => h.Distillation,
        ("both", { } h) => h.Both,
        ("dist" or "class", null) when row.Table == PaperTable.Heads => null,
        _ => trial.FinalTop1,
    };

    private static string Why(string key, PaperTrialState? state, string? reason) =>
        $"{key}: {(state?.ToString().ToLowerInvariant() ?? "not recorded")}{(reason is null ? "" : $" ({reason})")}";

    private static LearningCurve? Curve(PaperPlan plan, PaperRow row, Dictionary<string, PaperTrialRecord> trials)
    {
        var runs = plan.TrialsOf(row.Source).Select(t => trials.GetValueOrDefault(t.Key))
            .Where(t => t is not null && t.Epochs.Count > 0).Select(t => t!.Epochs).ToList();
        if (runs.Count == 0) return null;
        var epochs = runs.SelectMany(r => r.Select(p => p.Epoch)).Distinct().Order().ToList();
        var means = epochs.Select(e => 100 * runs.SelectMany(r => r.Where(p => p.Epoch == e)).Average(p => p.ValidationTop1)).ToList();
        return new LearningCurve(row.Table, row.Config, epochs, means);
    }
}
