using DeiT.Tuning.Training.Layers;
using DeiT.Tuning.Training.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Precision;

/// <summary>Attention in fp32 is libtorch's fused kernel as is; in bf16 on a CPU it is the explicit product with an
/// fp32 softmax, which must equal the fused kernel's fp32 result within bf16 rounding, gradients included.</summary>
public sealed class AttentionPathTests
{
    static Tensor Heads(int seed) => arange(2 * 3 * 7 * 8, dtype: float32).mul_(0.37 + seed).sin_().reshape(2, 3, 7, 8);

    [Fact]
    public void Fp32_attention_is_the_fused_kernel()
    {
        var (q, k, v) = (Heads(0), Heads(1), Heads(2));
        Assert.True(Autocast.ScaledDotProductAttention(q, k, v).equal(nn.functional.scaled_dot_product_attention(q, k, v)).all().item<bool>());
    }

    [Fact]
    public void Bf16_attention_on_a_cpu_matches_the_fp32_kernel_forward_and_backward_within_bf16_rounding()
    {
        Tensor[] Leaves(ScalarType type) => [Heads(0).to(type).requires_grad_(), Heads(1).to(type).requires_grad_(), Heads(2).to(type).requires_grad_()];
        var reference = Leaves(float32);
        var expected = nn.functional.scaled_dot_product_attention(reference[0], reference[1], reference[2]);
        var upstream = Heads(3);   // not sum(): softmax rows sum to 1, so sum()'s gradient in q cancels to almost nothing
        expected.mul(upstream).sum().backward();
        var low = Leaves(bfloat16);
        Tensor actual;
        using (Autocast.Enter(bfloat16)) actual = Autocast.ScaledDotProductAttention(low[0], low[1], low[2]);
        actual.to(float32).mul(upstream).sum().backward();

        Assert.Equal(bfloat16, actual.dtype);
        const double bf16Units = 5.0 / 256;   // a few units of bf16's 2⁻⁸ relative spacing
        TensorAssert.Close(actual.to(float32), expected, "attention output", bf16Units);
        for (var i = 0; i < 3; i++)
            TensorAssert.Close(low[i].grad!.to(float32), reference[i].grad!, $"gradient of input {i}", 2 * bf16Units);
    }
}
