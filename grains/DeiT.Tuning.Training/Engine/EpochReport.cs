namespace DeiT.Tuning.Training.Engine;

public sealed record EvaluationResult(double Top1, double Top5, double Loss, int Images);

/// <summary>What a trial reports after each epoch (epochs count from 1). <paramref name="ValidationHeads"/>: each head of
/// a distilled model on the validation split, when the recipe distills.</summary>
public sealed record EpochReport(
    int Epoch,
    double TrainLoss,
    EvaluationResult Validation,
    EvaluationResult? Test,
    double ImagesPerSecond,
    double LearningRate,
    TimeSpan EpochTime,
    HeadEvaluation? ValidationHeads = null);

public enum EpochDecision { Continue, Stop }

/// <summary>How a run ended. Failures are data: a diverged run is an outcome, not an exception.</summary>
public abstract record TrainingOutcome(IReadOnlyList<EpochReport> Epochs)
{
    public sealed record Completed(IReadOnlyList<EpochReport> Epochs) : TrainingOutcome(Epochs);
    /// <summary>The per-epoch callback answered Stop (a pruner's decision).</summary>
    public sealed record Stopped(IReadOnlyList<EpochReport> Epochs) : TrainingOutcome(Epochs);
    /// <summary>Loss became NaN or infinite at <paramref name="Epoch"/>, <paramref name="Step"/> (both from 1);
    /// <paramref name="Epochs"/> holds the epochs completed before.</summary>
    public sealed record Diverged(IReadOnlyList<EpochReport> Epochs, int Epoch, int Step, string Reason) : TrainingOutcome(Epochs);
    public sealed record Cancelled(IReadOnlyList<EpochReport> Epochs) : TrainingOutcome(Epochs);
}
