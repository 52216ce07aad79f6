using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>What a checkpoint keeps of a <see cref="DynamicLossScaler"/>, so a resumed fp16 run scales as the
/// uninterrupted one would have.</summary>
public sealed record LossScalerState(double Scale, int GrowthTracker);

/// <summary>
/// Dynamic loss scaling for fp16 with torch.cuda.amp.GradScaler's rules and defaults: the loss is multiplied by
/// <see cref="Scale"/> (initially 2¹⁶) before backward; the gradients are divided by it afterwards; a step whose
/// gradients hold an inf or NaN is skipped and the scale multiplied by 0.5; after <see cref="GrowthInterval"/> (2000)
/// consecutive good steps the scale is multiplied by 2. Works on <see cref="FlatAdamW"/>'s flat gradient buffers: one
/// unscale and one finiteness check per parameter group (any other optimizer: one per parameter).
/// </summary>
public sealed class DynamicLossScaler
{
    public const double InitialScale = 65536.0;
    public const double GrowthFactor = 2.0;
    public const double BackoffFactor = 0.5;
    public const int DefaultGrowthInterval = 2000;

    public DynamicLossScaler(LossScalerState? state = null, int growthInterval = DefaultGrowthInterval)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(growthInterval);
        Scale = state?.Scale ?? InitialScale;
        GrowthTracker = state?.GrowthTracker ?? 0;
        GrowthInterval = growthInterval;
    }

    public int GrowthInterval { get; }

    public double Scale { get; private set; }
    /// <summary>Consecutive steps with finite gradients since the scale last changed.</summary>
    public int GrowthTracker { get; private set; }
    public LossScalerState State => new(Scale, GrowthTracker);

    public void Restore(LossScalerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Scale = state.Scale;
        GrowthTracker = state.GrowthTracker;
    }

    /// <summary>One scaled backward: backward of loss × scale (then <paramref name="afterBackward"/>, e.g. gathering
    /// gradients into <paramref name="gradients"/>), the gradients unscaled in place, the scale updated.
    /// False when a gradient held an inf or NaN: the caller must skip the optimizer step (and anything after it, EMA).</summary>
    public bool Backward(Tensor loss, IEnumerable<Tensor> gradients, Action? afterBackward = null)
    {
        using (var scope = NewDisposeScope()) ScaleLoss(loss).backward();
        afterBackward?.Invoke();
        var finite = Unscale(gradients);
        Update(finite);
        return finite;
    }

    /// <summary>The gradients an optimizer reads: FlatAdamW's packed buffers (one unscale per group), else each
    /// trained parameter's.</summary>
    public static IEnumerable<Tensor> GradientsOf(torch.optim.Optimizer optimizer, nn.Module module) => optimizer is FlatAdamW flat
        ? flat.AllFlatGradients
        : module.parameters().Where(p => p.requires_grad && p.grad is not null).Select(p => p.grad!);

    /// <summary>The loss to call backward on.</summary>
    public Tensor ScaleLoss(Tensor loss) => loss * Scale;

    /// <summary>Divides the gradients by the scale in place; true when all are finite (the step may run).</summary>
    public bool Unscale(IEnumerable<Tensor> gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var finite = true;
        foreach (var gradient in gradients)
        {
            gradient.mul_(1.0 / Scale);
            finite &= gradient.isfinite().all().item<bool>();
        }
        return finite;
    }

    /// <summary>Applies the rules after a step: back off on non-finite gradients, grow after a run of good steps.</summary>
    public void Update(bool gradientsFinite)
    {
        if (!gradientsFinite)
        {
            Scale *= BackoffFactor;
            GrowthTracker = 0;
            return;
        }
        if (++GrowthTracker < GrowthInterval) return;
        Scale *= GrowthFactor;
        GrowthTracker = 0;
    }
}
