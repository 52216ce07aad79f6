using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Layers;

/// <summary>
/// Mixed precision the way torch.autocast does it, for the ops a ViT has (TorchSharp 0.107 has no autocast): inside a
/// scope entered with a low type, <see cref="Linear"/> and <see cref="Conv2d"/> run on copies of their input and fp32
/// weights cast to that type, so their outputs, and the attention and GELU computed from them, are low precision,
/// while the residual stream stays fp32 by type promotion (fp32 + bf16 → fp32), so LayerNorm sees fp32 as autocast's
/// fp32 list asks; the trainer casts logits to fp32 before the loss. Gradients flow back through the casts into the
/// fp32 master weights. In training with FlatAdamW the weights are not cast one by one: the scope takes their
/// low-precision copies, refreshed by one cast per optimizer group (<see cref="Engine.ComputeWeights"/>). The scope
/// is thread-local and ambient so that the layers need one call each, not a precision argument threaded through
/// every forward.
/// </summary>
public static class Autocast
{
    [ThreadStatic] static ScalarType? _computeType;
    [ThreadStatic] static IReadOnlyDictionary<Tensor, Tensor>? _weightCopies;

    /// <summary>The low type of the current thread's scope, or null outside one (fp32).</summary>
    public static ScalarType? ComputeType => _computeType;

    /// <summary>Enters a scope computing in <paramref name="computeType"/> (null: fp32) until disposed; scopes nest.
    /// <paramref name="weightCopies"/>: low-precision copies to use instead of casting those weights (parameter →
    /// copy, <see cref="Engine.ComputeWeights"/>); a weight without one is cast.</summary>
    public static Scope Enter(ScalarType? computeType, IReadOnlyDictionary<Tensor, Tensor>? weightCopies = null)
    {
        var previous = new Scope(_computeType, _weightCopies);
        _computeType = computeType;
        _weightCopies = computeType is null ? null : weightCopies;
        return previous;
    }

    /// <summary>y = x·Wᵀ + b over the last dimension, with the bias added inside the matrix product as ATen's linear
    /// (what Python's F.linear runs) does: for rows [N, C] that is what TorchSharp's functional linear does too (addmm;
    /// on CUDA the cuBLASLt bias epilogue), but for an input of more dimensions it runs a matmul and then adds the
    /// bias in a pass of its own over the whole output, so such an input is flattened to rows here. The layers keep
    /// their activations as rows between linears: each handle a step creates is a native call on the host.</summary>
    public static Tensor Linear(Linear layer, Tensor input)
    {
        Tensor weight = layer.weight!;
        Tensor? bias = layer.bias;
        if (_computeType is { } type)
        {
            input = Cast(input, type);
            weight = CastWeight(weight, type);
            bias = bias is null ? null : CastWeight(bias, type);
        }
        var shape = input.shape;   // each shape or dim query is a native call: once per linear
        if (shape.Length <= 2 || bias is null || !input.is_contiguous()) return nn.functional.linear(input, weight, bias);
        var rows = nn.functional.linear(input.view(-1, shape[^1]), weight, bias);
        shape[^1] = -1;
        return rows.view(shape);
    }

    /// <summary>A convolution without padding or dilation (the patch embedding's kernel = stride projection).</summary>
    public static Tensor Conv2d(Conv2d layer, Tensor input, long stride)
    {
        if (_computeType is not { } type) return layer.forward(input);
        return nn.functional.conv2d(Cast(input, type), CastWeight(layer.weight!, type), layer.bias is { } bias ? CastWeight(bias, type) : null,
            strides: [stride, stride]);
    }

    /// <summary>Attention over [B, H, N, hd] heads: libtorch's fused scaled-dot-product kernel, except in a low type
    /// on a CPU, where that kernel's backward is 4–6× slower than in fp32 (libtorch 2.10, AVX-512 BF16: measured by
    /// <c>bench train-step --profile</c>); there the explicit product runs instead: q·kᵀ and the product with v in the
    /// low type (oneDNN's fast bf16 matmuls), the softmax in fp32 as autocast's fp32 list has it on CUDA.</summary>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v)
    {
        if (_computeType is null || q.device.type != DeviceType.CPU)
            return nn.functional.scaled_dot_product_attention(q, k, v);
        var scores = matmul(q, k.transpose(-2, -1)).mul_(1.0 / Math.Sqrt(q.shape[^1]));
        return matmul(scores.softmax(-1, ScalarType.Float32).to(q.dtype), v);
    }

    static Tensor Cast(Tensor tensor, ScalarType type) => tensor.dtype == type ? tensor : tensor.to(type);

    static Tensor CastWeight(Tensor weight, ScalarType type) =>
        _weightCopies is { } copies && copies.TryGetValue(weight, out var copy) && copy.dtype == type ? copy : Cast(weight, type);

    public readonly struct Scope(ScalarType? computeType, IReadOnlyDictionary<Tensor, Tensor>? weightCopies) : IDisposable
    {
        public void Dispose() => (_computeType, _weightCopies) = (computeType, weightCopies);
    }
}
