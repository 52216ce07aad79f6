using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Cli.Training;

/// <summary>One epoch as printed in the table and in the --json document (accuracies as fractions).</summary>
public sealed record EpochRow(
    int Epoch, double Lr, double TrainLoss,
    double ValLoss, double ValTop1, double ValTop5,
    double? TestLoss, double? TestTop1, double? TestTop5,
    double ImagesPerS, double EpochS,
    double? ValTop1Class = null, double? ValTop1Dist = null, double? ValTop1Both = null)
{
    public static EpochRow From(EpochReport r) => new(
        r.Epoch, r.LearningRate, r.TrainLoss,
        r.Validation.Loss, r.Validation.Top1, r.Validation.Top5,
        r.Test?.Loss, r.Test?.Top1, r.Test?.Top5,
        r.ImagesPerSecond, r.EpochTime.TotalSeconds,
        r.ValidationHeads?.Class.Top1, r.ValidationHeads?.Distillation.Top1, r.ValidationHeads?.Both.Top1);
}
