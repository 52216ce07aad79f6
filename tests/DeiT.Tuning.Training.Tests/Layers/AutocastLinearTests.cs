using DeiT.Tuning.Training.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Layers;

/// <summary>Autocast.Linear adds the bias inside the matrix product (addmm on rows, as ATen's linear) instead of in a
/// pass of its own as TorchSharp's Linear does: the same function, values and gradients, for every input rank.</summary>
public sealed class AutocastLinearTests
{
    static Linear Layer()
    {
        manual_seed(3);
        return nn.Linear(8, 5);
    }

    static Tensor Input(params long[] shape) =>
        arange(shape.Aggregate(1L, (a, b) => a * b), dtype: float32).mul_(0.71).sin_().reshape(shape);

    [Theory]
    [InlineData(new long[] { 4, 8 })]
    [InlineData(new long[] { 2, 3, 8 })]
    [InlineData(new long[] { 2, 2, 3, 8 })]
    public void Fp32_output_and_gradients_equal_TorchSharps_linear(long[] shape)
    {
        using var layer = Layer();
        var x = Input(shape).requires_grad_();
        var y = Autocast.Linear(layer, x);
        var upstream = Input(y.shape).mul_(1.3);
        y.mul(upstream).sum().backward();
        var (dx, dw, db) = (x.grad!.clone(), layer.weight!.grad!.clone(), layer.bias!.grad!.clone());

        layer.zero_grad();
        var xRef = Input(shape).requires_grad_();
        var expected = layer.forward(xRef);
        expected.mul(upstream).sum().backward();

        Assert.Equal(expected.shape, y.shape);
        Assert.True(y.allclose(expected, rtol: 1e-6, atol: 1e-6));
        Assert.True(dx.allclose(xRef.grad!, rtol: 1e-6, atol: 1e-6));
        Assert.True(dw.allclose(layer.weight!.grad!, rtol: 1e-6, atol: 1e-6));
        Assert.True(db.allclose(layer.bias!.grad!, rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void A_non_contiguous_input_of_more_than_two_dimensions_gives_the_same_result()
    {
        using var layer = Layer();
        var x = Input(3, 8, 2).transpose(1, 2);   // [3, 2, 8], not contiguous
        Assert.False(x.is_contiguous());
        Assert.True(Autocast.Linear(layer, x).allclose(layer.forward(x.contiguous()), rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void Bf16_output_is_bf16_and_its_fp32_master_weights_get_fp32_gradients()
    {
        using var layer = Layer();
        var x = Input(2, 3, 8);
        Tensor y;
        using (Autocast.Enter(ScalarType.BFloat16)) y = Autocast.Linear(layer, x);
        Assert.Equal(ScalarType.BFloat16, y.dtype);
        Assert.True(y.to(float32).allclose(layer.forward(x), rtol: 2e-2, atol: 2e-2));
        y.to(float32).sum().backward();
        Assert.Equal(ScalarType.Float32, layer.weight!.grad!.dtype);
        Assert.Equal(ScalarType.Float32, layer.bias!.grad!.dtype);
        Assert.True(layer.bias.grad.allclose(full(5, 6f)));   // the bias is summed over the 2·3 rows
    }
}
