namespace DeiT.Tuning.Training.Engine;

/// <summary>The test score a completed run reports: its best-epoch weights on the test split (selection used validation).</summary>
public static class BestWeightsTest
{
    /// <summary>Top-1 on the test split, or null when the run kept no best weights.</summary>
    public static double? Score(TrainingJob job, TrainingRunOptions run) =>
        run.BestWeightsPath is { } best && File.Exists(best) ? WeightsEvaluation.Evaluate(job, best, DatasetSplit.Test, run).Top1 : null;
}
