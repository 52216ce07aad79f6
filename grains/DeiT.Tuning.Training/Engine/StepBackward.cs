using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>The backward half of a training step, as the trainer and the train-step benchmark both run it: backward
/// (scaled, with fp16's loss scaler), the compute copies' gradients gathered into the master gradients, then the
/// scaler's unscale and inf/NaN check.</summary>
public static class StepBackward
{
    /// <summary>False when fp16 loss scaling found an inf or NaN gradient: the optimizer step, and anything after it
    /// (EMA), must be skipped (GradScaler's rule).</summary>
    public static bool Run(Tensor loss, DynamicLossScaler? scaler, IEnumerable<Tensor> gradients, ComputeWeights? computeWeights)
    {
        if (scaler is null)
        {
            loss.backward();
            computeWeights?.AddGradients();
            return true;
        }
        return scaler.Backward(loss, gradients, computeWeights is null ? null : computeWeights.AddGradients);
    }
}
