using DeiT.Tuning.Training.Models;

namespace DeiT.Tuning.Training.Engine;

/// <summary>The validation metric that picks a run's best epoch.</summary>
public enum SelectionMetric { Top1, Top5, Loss }

/// <summary>Keeps the evaluated weights of the best validation epoch so far. Ties keep the earlier epoch, a NaN never
/// wins, and "so far" is read from the reports, so a resumed run picks the same epoch as an uninterrupted one.</summary>
internal static class BestEpoch
{
    public static double Score(EvaluationResult validation, SelectionMetric metric)
    {
        var score = metric switch
        {
            SelectionMetric.Top1 => validation.Top1,
            SelectionMetric.Top5 => validation.Top5,
            _ => -validation.Loss,
        };
        return double.IsNaN(score) ? double.NegativeInfinity : score;
    }

    /// <summary>Whether the last report beats every earlier one.</summary>
    public static bool LastIsBest(IReadOnlyList<EpochReport> reports, SelectionMetric metric)
    {
        var last = Score(reports[^1].Validation, metric);
        for (var i = 0; i < reports.Count - 1; i++)
            if (Score(reports[i].Validation, metric) >= last) return false;
        return true;
    }

    /// <summary>Writes beside the target and renames, so a reader never sees a half-written file.</summary>
    public static void Save(IImageClassifier model, string path)
    {
        var partial = path + ".partial";
        ModelIo.Save(model, partial);
        File.Move(partial, path, overwrite: true);
    }
}
