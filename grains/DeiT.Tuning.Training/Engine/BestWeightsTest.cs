namespace DeiT.Tuning.Training.Engine;

/// <summary>The test score a completed run reports: its best-epoch weights on the test split (selection used validation).</summary>
public static class BestWeightsTest
{
    /// <summary>Top-1 on the test split, or null when the run kept no best weights. The per-image predictions (every
    /// head) are written beside the weights as <see cref="TestPredictions.FileName"/>.</summary>
    public static double? Score(TrainingJob job, TrainingRunOptions run)
    {
        if (run.BestWeightsPath is not { } best || !File.Exists(best)) return null;
        var top1 = WeightsEvaluation.Evaluate(job, best, DatasetSplit.Test, run).Top1;
        TestPredictions.Predict(job, best, run).Save(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(best))!, TestPredictions.FileName));
        return top1;
    }
}
