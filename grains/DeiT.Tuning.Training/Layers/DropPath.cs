using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Layers;

/// <summary>Stochastic depth per sample (timm's drop_path): in training, zeroes a sample's residual branch with
/// probability <see cref="Rate"/> and scales survivors by 1/(1−rate). Draws from torch's global generator, which the
/// trainer re-seeds per step.</summary>
public sealed class DropPath : nn.Module<Tensor, Tensor>
{
    public DropPath(double rate) : base(nameof(DropPath))
    {
        if (rate is < 0 or >= 1 || double.IsNaN(rate))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "drop-path rate must be in [0, 1)");
        Rate = rate;
    }

    public double Rate { get; }

    public override Tensor forward(Tensor x) => Rate == 0 || !training ? x : x * Mask(x);

    /// <summary>residual + forward(branch) as one fused multiply-add in training (no masked temporary of the
    /// branch; the same draw from the generator as <see cref="forward"/>).</summary>
    public Tensor AddTo(Tensor residual, Tensor branch) =>
        Rate == 0 || !training ? residual + branch : residual.addcmul(branch, Mask(branch).to(residual.dtype), 1);

    Tensor Mask(Tensor x)
    {
        var keep = 1.0 - Rate;
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.shape[0];
        return empty(shape, x.dtype, x.device).bernoulli_(keep).div_(keep);
    }
}
