using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>
/// Low-precision compute copies of FlatAdamW's fp32 master weights, for mixed precision: one flat bf16/fp16 buffer per
/// optimizer group, refreshed from the master buffer by one cast per group before each forward, and a view of it per
/// parameter that <see cref="Layers.Autocast"/> uses in place of casting that weight (a cast per weight is what
/// torch.autocast does: a kernel forward, another backward, and a tensor handle each). The views are leaves whose
/// gradients land in one flat low-precision buffer, added into the master gradients by one kernel per group after
/// backward. The result is the same as per-weight casts, bit for bit: the same rounding to the low type, and each
/// weight's gradient arrives in the low type either way (a matmul's output type) and is converted exactly — provided
/// each weight is used once per forward (true of a ViT), or its gradients would accumulate in the low type.
/// Parameters the layers do not cast (LayerNorm, tokens, position embedding) have copies that nothing uses; their
/// gradients reach the master buffer directly and the added zeros leave them as they are.
/// </summary>
public sealed class ComputeWeights : IDisposable
{
    private readonly FlatAdamW _optimizer;
    private readonly List<(Tensor Weights, Tensor Gradients)> _groups = [];
    private readonly Dictionary<Tensor, Tensor> _copies = new(ReferenceEqualityComparer.Instance);

    public ComputeWeights(FlatAdamW optimizer, ScalarType type)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        _optimizer = optimizer;
        Type = type;
        using var _ = no_grad();
        using var scope = NewDisposeScope();   // what is kept is detached from it
        for (var g = 0; g < optimizer.GroupCount; g++)
        {
            var master = optimizer.FlatParameters(g);
            var weights = empty(master.shape, type, master.device);
            var gradients = zeros(master.shape, type, master.device);
            long offset = 0;
            foreach (var p in optimizer.GroupParameters(g))
            {
                var n = p.numel();
                var copy = weights.narrow(0, offset, n).view(p.shape).requires_grad_(true);
                copy.grad = gradients.narrow(0, offset, n).view(p.shape);
                _copies[p] = scope.Detach(copy);
                offset += n;
            }
            _groups.Add(scope.Detach(weights, gradients));
        }
        Refresh();
    }

    public ScalarType Type { get; }

    /// <summary>Master parameter → its compute copy (what <see cref="Layers.Autocast.Enter"/> takes).</summary>
    public IReadOnlyDictionary<Tensor, Tensor> Copies => _copies;

    /// <summary>Before a forward: the copies take the master weights' current values, their gradients zero.</summary>
    public void Refresh()
    {
        using var _ = no_grad();
        for (var g = 0; g < _groups.Count; g++)
        {
            _groups[g].Weights.copy_(_optimizer.FlatParameters(g));
            _groups[g].Gradients.zero_();
        }
    }

    /// <summary>After backward: the copies' gradients added into the master gradients.</summary>
    public void AddGradients()
    {
        using var _ = no_grad();
        for (var g = 0; g < _groups.Count; g++) _optimizer.FlatGradients(g).add_(_groups[g].Gradients);
    }

    public void Dispose()
    {
        foreach (var copy in _copies.Values) copy.Dispose();
        _copies.Clear();
        foreach (var (weights, gradients) in _groups)
        {
            weights.Dispose();
            gradients.Dispose();
        }
        _groups.Clear();
    }
}
