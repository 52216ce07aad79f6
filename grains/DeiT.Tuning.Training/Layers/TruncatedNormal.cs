using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Layers;

/// <summary>PyTorch's trunc_normal_ (inverse-CDF sampling, values clamped to [a, b] in absolute units).
/// Written out because TorchSharp 0.107's nn.init.trunc_normal_ fills the tensor with the standard deviation.</summary>
public static class TruncatedNormal
{
    public static Tensor Fill(Tensor tensor, double std, double mean = 0, double a = -2, double b = 2)
    {
        using var _ = no_grad();
        var lower = NormalCdf((a - mean) / std);
        var upper = NormalCdf((b - mean) / std);
        tensor.uniform_(2 * lower - 1, 2 * upper - 1).erfinv_().mul_(std * Math.Sqrt(2)).add_(mean).clamp_(a, b);
        return tensor;
    }

    static double NormalCdf(double x)
    {
        using var t = torch.tensor(x / Math.Sqrt(2), float64);
        using var erf = t.erf();
        return (1 + erf.item<double>()) / 2;
    }
}
