using DeiT.Tuning.Training.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Losses;

/// <summary>DeiT's distillation loss. Base: soft-target cross-entropy of the class head on the (mixed, smoothed)
/// target. none → base; soft → (1−α)·base + α·τ²·KL(teacher ‖ student at temperature τ) summed / dist.numel();
/// hard → (1−α)·base + α·CE(dist head, argmax teacher).</summary>
public sealed class DistillationLoss
{
    public DistillationLoss(DistillationType type, double alpha, double tau)
    {
        if (alpha is < 0 or > 1 || double.IsNaN(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "distillation alpha must be in [0, 1]");
        if (tau <= 0 || double.IsNaN(tau))
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "distillation temperature tau must be positive");
        Type = type;
        Alpha = alpha;
        Tau = tau;
    }

    public DistillationType Type { get; }
    public double Alpha { get; }
    public double Tau { get; }

    public Tensor Compute(Tensor clsLogits, Tensor? distLogits, Tensor softTarget, Tensor? teacherLogits)
    {
        var baseLoss = SoftTargetCrossEntropy.Compute(clsLogits, softTarget);
        if (Type == DistillationType.None) return baseLoss;
        if (distLogits is null)
            throw new InvalidOperationException($"{Type} distillation needs a model with a distillation head; use a *_distilled_* preset");
        if (teacherLogits is null)
            throw new InvalidOperationException($"{Type} distillation needs teacher logits; give the job a teacher checkpoint");
        var teacher = teacherLogits.detach();
        var distillation = Type switch
        {
            DistillationType.Soft => SoftDistillation(distLogits, teacher),
            DistillationType.Hard => nn.functional.cross_entropy(distLogits, teacher.argmax(1)),
            _ => throw new ArgumentOutOfRangeException(nameof(Type), Type, "unknown distillation type"),
        };
        return baseLoss * (1 - Alpha) + distillation * Alpha;
    }

    /// <summary>F.kl_div(log_softmax(dist/τ), log_softmax(teacher/τ), reduction='sum', log_target=True) · τ² / numel.</summary>
    Tensor SoftDistillation(Tensor distLogits, Tensor teacherLogits)
    {
        var student = nn.functional.log_softmax(distLogits / Tau, 1);
        var teacher = nn.functional.log_softmax(teacherLogits / Tau, 1);
        return (teacher.exp() * (teacher - student)).sum() * (Tau * Tau / distLogits.numel());
    }
}
