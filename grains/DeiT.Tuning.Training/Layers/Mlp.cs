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

    /// <summary>On rows [·, C] from fc1 to fc2 (see Autocast.Linear), back in the input's shape.</summary>
    public override Tensor forward(Tensor x)
    {
        var shape = x.shape;
        var rows = shape.Length == 2 ? x : x.reshape(-1, shape[^1]);
        var y = Autocast.Linear(fc2, nn.functional.gelu(Autocast.Linear(fc1, rows)));
        return shape.Length == 2 ? y : y.view(shape);
    }

    public static long FlopsPerImage(int tokens, int dim, int hidden) => 2L * 2L * tokens * dim * hidden;
}
