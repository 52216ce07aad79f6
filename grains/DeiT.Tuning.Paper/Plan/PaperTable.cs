namespace DeiT.Tuning.Paper.Plan;

/// <summary>The study's tables, in report order; names as report.json writes them.</summary>
public enum PaperTable { Ablation, Distillation, Teacher, Heads, Disagreement, Search }

public static class PaperTableNames
{
    public static string Name(this PaperTable table) => table.ToString().ToLowerInvariant();
}
