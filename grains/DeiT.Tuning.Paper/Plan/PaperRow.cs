namespace DeiT.Tuning.Paper.Plan;

/// <summary>What a row measures: a configuration's top-1 (under <see cref="PaperRow.Head"/> for distilled models), or
/// the disagreement of an evaluation pair.</summary>
public enum RowMetric { Top1, Disagreement }

/// <summary>
/// One row of a table. <see cref="Source"/> is the configuration (or, for disagreement, the evaluation pair) whose
/// trials give its numbers; <see cref="Baseline"/> the Config of the row it is compared with in the same table (null for a
/// baseline row). Removed/Distillation/Teacher/Head are report.json's fields.
/// </summary>
public sealed record PaperRow(
    PaperTable Table,
    string Config,
    string? Removed,
    string Distillation,
    string? Teacher,
    string? Head,
    string Source,
    string? Baseline,
    RowMetric Metric,
    PaperFigure Paper);
