using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Studies;
using DeiT.Tuning.Grains.Trials;
using DeiT.Tuning.Paper.Plan;
using DeiT.Tuning.Paper.Report;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Cli.Commands.Paper;

/// <summary>
/// What a paper study recorded, as the report reads it: each planned trial by its key, the search trials as
/// search-001…, a distilled model's heads and the disagreement evaluations from the test predictions every completed
/// trial keeps beside its best weights.
/// </summary>
public static class PaperStudyRecordsReader
{
    public static async Task<PaperStudyRecords> Read(StudySnapshot study, PaperPlan plan, TrialFileReader files, string checkpointRoot)
    {
        var byKey = new Dictionary<string, TrialRecord>();
        foreach (var trial in study.Trials.Where(t => t.PlanKey is not null)) byKey[trial.PlanKey!] = trial;
        var searched = study.Trials.Where(t => t.PlanKey is null && t.RetrainOf is null).OrderBy(t => t.Number).ToList();
        for (var i = 0; i < searched.Count; i++) byKey[plan.Search.TrialKey(i + 1)] = searched[i];

        var predictions = new Dictionary<string, TestPredictions?>();
        foreach (var (key, trial) in byKey.Where(p => p.Value.Status == TrialStatus.Completed))
            predictions[key] = await Predictions(study, key, trial, files, checkpointRoot);
        TestPredictions? PredictionsOf(string key, TrialRecord _) => predictions.GetValueOrDefault(key);

        var trials = byKey.Select(pair => Record(pair.Key, pair.Value, PredictionsOf(pair.Key, pair.Value))).ToList();
        var evaluations = plan.Evaluations.Select(e => Evaluate(e, byKey, PredictionsOf)).ToList();
        return new PaperStudyRecords(trials, evaluations);
    }

    /// <summary>A completed trial's test predictions: in its own folder (on this machine, else on the silo that ran it),
    /// or, for a teacher an earlier study trained, in the shared folder under the checkpoint root.</summary>
    private static async Task<TestPredictions?> Predictions(StudySnapshot study, string key, TrialRecord trial, TrialFileReader files, string checkpointRoot)
    {
        var shared = Path.Combine(CheckpointPaths.Inside(checkpointRoot, PlannedTrialSpec.SharedFolder(key)), TestPredictions.FileName);
        if (SharedTrials.IsReused(trial)) return TestPredictions.Load(shared);
        var copy = Path.GetTempFileName();
        try
        {
            return (await files.CopyTo(study.Spec.Name, trial, TestPredictions.FileName, copy)).Source is null ? TestPredictions.Load(shared) : TestPredictions.Load(copy);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private static PaperTrialRecord Record(string key, TrialRecord trial, TestPredictions? predictions)
    {
        var heads = predictions is { Distillation: not null }
            ? new HeadTop1(predictions.Top1(EvaluationHead.Class), predictions.Top1(EvaluationHead.Distillation), predictions.Top1(EvaluationHead.Both))
            : null;
        return new PaperTrialRecord(key, State(trial), trial.Reason, trial.TestTop1 ?? trial.Value, trial.Value,
            trial.Epochs.Select(e => new EpochPoint(e.Epoch, e.Top1, null, e.TrainLoss)).ToList(), heads);
    }

    private static PaperEvaluationRecord Evaluate(PlannedEvaluation evaluation, Dictionary<string, TrialRecord> byKey,
        Func<string, TrialRecord, TestPredictions?> predictionsOf)
    {
        foreach (var key in evaluation.DependsOn)
        {
            if (!byKey.TryGetValue(key, out var trial)) return new(evaluation.Key, PaperTrialState.Pending, $"{key} has not run yet", null);
            if (trial.Status != TrialStatus.Completed)
                return new(evaluation.Key, trial.IsFinished ? PaperTrialState.Failed : PaperTrialState.Pending, $"{key} {trial.Status.ToString().ToLowerInvariant()}", null);
        }
        var a = predictionsOf(evaluation.TrialA, byKey[evaluation.TrialA]);
        var b = predictionsOf(evaluation.TrialB, byKey[evaluation.TrialB]);
        if (a is null || b is null)
            return new(evaluation.Key, PaperTrialState.Failed, $"test predictions of {(a is null ? evaluation.TrialA : evaluation.TrialB)} are missing from the checkpoint root", null);
        var result = Disagreement.Compare(a.Of(Head(evaluation.HeadA)), b.Of(Head(evaluation.HeadB)), a.Labels);
        return new(evaluation.Key, PaperTrialState.Completed, null, result.Fraction);
    }

    private static EvaluationHead Head(string head) => head switch
    {
        "class" => EvaluationHead.Class,
        "dist" => EvaluationHead.Distillation,
        _ => EvaluationHead.Both,
    };

    private static PaperTrialState State(TrialRecord trial) => trial.Status switch
    {
        TrialStatus.Completed => PaperTrialState.Completed,
        TrialStatus.Failed => PaperTrialState.Failed,
        TrialStatus.Pruned => PaperTrialState.Stopped,
        _ => trial.Device is null ? PaperTrialState.Pending : PaperTrialState.Running,
    };
}
