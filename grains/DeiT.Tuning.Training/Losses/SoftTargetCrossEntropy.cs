using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Losses;

/// <summary>timm's SoftTargetCrossEntropy: mean over the batch of −Σ target · log_softmax(logits).</summary>
public static class SoftTargetCrossEntropy
{
    public static Tensor Compute(Tensor logits, Tensor softTarget)
    {
        if (!logits.shape.SequenceEqual(softTarget.shape))
            throw new ArgumentException($"soft target shape [{string.Join(", ", softTarget.shape)}] differs from the logits' [{string.Join(", ", logits.shape)}]", nameof(softTarget));
        return (-softTarget * nn.functional.log_softmax(logits, -1)).sum(-1).mean();
    }
}
