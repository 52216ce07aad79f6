using TorchSharp;

namespace DeiT.Tuning.Training.Engine;

/// <summary>Per-block stochastic-depth rates, linear from 0 to the rate, computed in float32 as timm's
/// <c>torch.linspace(0, rate, depth)</c> so the values are bit-identical to the reference.</summary>
public static class DropPathRates
{
    public static double[] Linear(double rate, int depth)
    {
        if (depth <= 0) throw new ArgumentOutOfRangeException(nameof(depth), depth, "depth must be positive");
        using var rates = torch.linspace(0, rate, depth, torch.float32);
        return rates.data<float>().Select(r => (double)r).ToArray();
    }
}
