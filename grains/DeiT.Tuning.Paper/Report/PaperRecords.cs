namespace DeiT.Tuning.Paper.Report;

/// <summary>Where a planned trial or evaluation stands (the study's trial states, without Orleans).</summary>
public enum PaperTrialState { Pending, Running, Completed, Stopped, Failed }

/// <summary>One epoch of a trial: validation top-1 (fraction) and, when the test split is evaluated, test top-1.</summary>
public sealed record EpochPoint(int Epoch, double ValidationTop1, double? TestTop1, double TrainLoss);

/// <summary>A distilled model's top-1 (fraction) under each head.</summary>
public sealed record HeadTop1(double Class, double Distillation, double Both);

/// <summary>What the report reads of one trial (a plan trial or a search trial), by its plan key. FinalTop1 is the
/// last epoch's test top-1 (validation when the test split is not evaluated); Heads those of the final model.</summary>
public sealed record PaperTrialRecord(
    string Key,
    PaperTrialState State,
    string? Reason,
    double? FinalTop1,
    double? BestTop1,
    IReadOnlyList<EpochPoint> Epochs,
    HeadTop1? Heads = null);

/// <summary>A planned disagreement evaluation's outcome: the fraction of test images on which the two differ.</summary>
public sealed record PaperEvaluationRecord(string Key, PaperTrialState State, string? Reason, double? Disagreement);

/// <summary>Everything a study recorded, the report's only input besides the plan.</summary>
public sealed record PaperStudyRecords(IReadOnlyList<PaperTrialRecord> Trials, IReadOnlyList<PaperEvaluationRecord> Evaluations);
