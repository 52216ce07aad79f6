using DeiT.Tuning.Paper.Plan;
using DeiT.Tuning.Paper.Report;

namespace DeiT.Tuning.Paper.Tests;

/// <summary>Trial records of a finished quick study, as the study grain would record them: each configuration's
/// final top-1 is a fixed effect plus a per-seed offset, so every number in the report is known in advance.</summary>
internal static class RecordedStudy
{
    public static readonly IReadOnlyDictionary<string, double> Effects = new Dictionary<string, double>
    {
        [PaperPlanner.Full] = 0.800, ["no-randaugment"] = 0.790, ["autoaugment"] = 0.795, ["no-mixup"] = 0.770,
        ["no-cutmix"] = 0.785, ["no-erasing"] = 0.805, ["no-stochastic-depth"] = 0.802, ["no-repeated-augmentation"] = 0.780,
        ["ema"] = 0.801, ["no-label-smoothing"] = 0.798, ["no-warmup"] = 0.790, ["sgd"] = 0.600,
        [PaperPlanner.Soft] = 0.805, [PaperPlanner.Hard] = 0.815, [PaperPlanner.HardFromTransformer] = 0.808,
        [PaperPlanner.ConvNetTeacher] = 0.850, [PaperPlanner.TransformerTeacher] = 0.810,
    };

    public static double Top1(string config, int seed) => Effects[config] + 0.01 * seed;

    public static PaperStudyRecords Completed(PaperPlan plan, Func<PlannedTrial, double>? top1 = null)
    {
        top1 ??= t => Top1(t.Config, t.Seed);
        var trials = plan.Trials.Select(t => Record(t, top1(t))).ToList();
        trials.AddRange(Enumerable.Range(1, plan.Search.Trials - 1).Select(n =>
            new PaperTrialRecord(plan.Search.TrialKey(n), PaperTrialState.Completed, null, 0.79 + 0.005 * n, 0.79 + 0.005 * n, Curve(0.79 + 0.005 * n, plan.Search.Epochs))));
        var evaluations = plan.Evaluations.Select(e => new PaperEvaluationRecord(e.Key, PaperTrialState.Completed, null,
            e.Key.StartsWith(PaperPlanner.TeacherVsUndistilled, StringComparison.Ordinal) ? 0.13
            : e.Key.StartsWith(PaperPlanner.TeacherVsDistilled, StringComparison.Ordinal) ? 0.10 : 0.11)).ToList();
        return new PaperStudyRecords(trials, evaluations);
    }

    private static PaperTrialRecord Record(PlannedTrial t, double top1) => new(t.Key, PaperTrialState.Completed, null, top1, top1,
        Curve(top1, t.Epochs), t.TeacherKey is null ? null : new HeadTop1(top1 - 0.01, top1 - 0.005, top1));

    private static IReadOnlyList<EpochPoint> Curve(double final, int epochs) =>
        Enumerable.Range(1, epochs).Select(e => new EpochPoint(e, final * e / epochs, final * e / epochs, 2.0 / e)).ToList();
}
