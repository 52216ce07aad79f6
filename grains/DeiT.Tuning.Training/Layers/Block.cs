using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Layers;

/// <summary>Pre-norm transformer block (timm's Block without layer scale):
/// x + DropPath(Attn(LN(x))), then x + DropPath(Mlp(LN(x))).</summary>
public sealed class Block : nn.Module<Tensor, Tensor>
{
    public const double LayerNormEps = 1e-6;

    readonly LayerNorm norm1;
    readonly Attention attn;
    readonly DropPath drop_path;
    readonly LayerNorm norm2;
    readonly Mlp mlp;

    public Block(int dim, int numHeads, double mlpRatio, double dropPath) : base(nameof(Block))
    {
        norm1 = nn.LayerNorm(dim, LayerNormEps);
        attn = new Attention(dim, numHeads);
        drop_path = new DropPath(dropPath);
        norm2 = nn.LayerNorm(dim, LayerNormEps);
        mlp = new Mlp(dim, HiddenDim(dim, mlpRatio));
        RegisterComponents();
    }

    public double DropPathRate => drop_path.Rate;

    public override Tensor forward(Tensor x)
    {
        x = drop_path.AddTo(x, attn.forward(norm1.forward(x)));
        return drop_path.AddTo(x, mlp.forward(norm2.forward(x)));
    }

    public static int HiddenDim(int dim, double mlpRatio) => (int)(dim * mlpRatio);

    public static long FlopsPerImage(int tokens, int dim, double mlpRatio) =>
        Attention.FlopsPerImage(tokens, dim) + Mlp.FlopsPerImage(tokens, dim, HiddenDim(dim, mlpRatio));
}
