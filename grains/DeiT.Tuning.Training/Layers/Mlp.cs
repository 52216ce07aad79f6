using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Layers;

/// <summary>Transformer MLP: fc1 → exact (erf) GELU → fc2.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    readonly Linear fc1;
    readonly Linear fc2;

    public Mlp(int dim, int hidden) : base(nameof(Mlp))
    {
        fc1 = nn.Linear(dim, hidden);
        fc2 = nn.Linear(hidden, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Autocast.Linear(fc2, nn.functional.gelu(Autocast.Linear(fc1, x)));

    public static long FlopsPerImage(int tokens, int dim, int hidden) => 2L * 2L * tokens * dim * hidden;
}
