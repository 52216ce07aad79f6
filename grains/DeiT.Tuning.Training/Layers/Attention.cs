using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Layers;

/// <summary>Multi-head self-attention (timm's Attention): one qkv projection with bias, scaled-dot-product attention
/// (the fused kernel, see <see cref="Autocast.ScaledDotProductAttention"/>), and an output projection.</summary>
public sealed class Attention : nn.Module<Tensor, Tensor>
{
    readonly Linear qkv;
    readonly Linear proj;
    readonly int numHeads;

    public Attention(int dim, int numHeads) : base(nameof(Attention))
    {
        if (numHeads <= 0 || dim % numHeads != 0)
            throw new ArgumentException($"embedding dim {dim} is not divisible by the number of heads {numHeads}", nameof(numHeads));
        this.numHeads = numHeads;
        qkv = nn.Linear(dim, dim * 3, hasBias: true);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var shape = x.shape;
        var (b, n, c) = (shape[0], shape[1], shape[2]);
        // The projections run on rows [B·N, C] (see Autocast.Linear). [B·N, 3C] viewed as [B, N, 3, H, hd] →
        // [3, B, H, N, hd]: a strided view, no copy; SDPA reads it as is.
        var parts = Autocast.Linear(qkv, x.reshape(b * n, c)).view(b, n, 3, numHeads, c / numHeads).permute(2, 0, 3, 1, 4).unbind(0);
        var attended = Autocast.ScaledDotProductAttention(parts[0], parts[1], parts[2]);
        return Autocast.Linear(proj, attended.transpose(1, 2).reshape(b * n, c)).view(b, n, c);
    }

    /// <summary>Forward FLOPs for one image of <paramref name="tokens"/> tokens: projections plus QKᵀ and AV.</summary>
    public static long FlopsPerImage(int tokens, int dim) =>
        2L * tokens * dim * (3L * dim) + 2L * tokens * dim * dim + 2L * 2L * tokens * tokens * dim;
}
