using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Support;

public static class TensorAssert
{
    public const double ParityTolerance = 1e-5;

    /// <summary>max |actual − expected| / max |expected| (the tensor's relative error in the max norm).</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var a = actual.detach().cpu().to(float64);
        using var e = expected.detach().cpu().to(float64);
        var scale = e.abs().max().item<double>();
        var diff = (a - e).abs().max().item<double>();
        return scale == 0 ? diff : diff / scale;
    }

    public static void Close(Tensor actual, Tensor expected, string what, double tolerance = ParityTolerance)
    {
        var error = RelativeError(actual, expected);
        Assert.True(error <= tolerance, $"{what}: relative error {error:E3} exceeds {tolerance:E1}");
    }

    public static void Close(double actual, double expected, string what, double tolerance = ParityTolerance)
    {
        var error = expected == 0 ? Math.Abs(actual) : Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= tolerance, $"{what}: {actual:R} vs {expected:R}, relative error {error:E3} exceeds {tolerance:E1}");
    }
}
