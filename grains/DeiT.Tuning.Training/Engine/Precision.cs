using DeiT.Tuning.Training.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>Arithmetic of a run. Fp32: plain fp32 (TF32 off on CUDA). Tf32: fp32 tensors, TF32 tensor-core matmuls on
/// CUDA (same as Fp32 on a CPU). Bf16 / Fp16: mixed precision as torch.autocast does it — matmuls, convolutions and
/// attention in the low type on cast copies of the fp32 master weights, LayerNorm, softmax and losses in fp32;
/// Fp16 adds dynamic loss scaling (<see cref="DynamicLossScaler"/>).</summary>
public enum Precision { Fp32, Tf32, Bf16, Fp16 }

public static class PrecisionChoice
{
    public static readonly IReadOnlyList<string> Names = ["fp32", "tf32", "bf16", "fp16"];

    /// <summary>Parses fp32|tf32|bf16|fp16 (case-insensitive); the error names the accepted values.</summary>
    public static Precision Parse(string text, string field = "precision") => text.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => Precision.Fp32,
        "tf32" => Precision.Tf32,
        "bf16" or "bfloat16" => Precision.Bf16,
        "fp16" or "float16" or "half" => Precision.Fp16,
        _ => throw new ArgumentException($"{field} '{text}' is not understood: use one of {string.Join(", ", Names)}", field),
    };

    public static string Name(Precision precision) => Names[(int)precision];

    /// <summary>The default of a device: bf16 on a CUDA device with bf16 support (compute capability 8.0 or newer:
    /// A100, H100, H200), fp32 elsewhere — bf16 matmuls on CPUs without AMX are slower than fp32.</summary>
    public static Precision DefaultFor(Device device) =>
        device.type == DeviceType.CUDA && TorchRuntime.CudaSupportsBf16(device) ? Precision.Bf16 : Precision.Fp32;

    /// <summary>The type matmuls, convolutions and attention run in, or null for fp32 (and TF32).</summary>
    public static ScalarType? ComputeType(Precision precision) => precision switch
    {
        Precision.Bf16 => ScalarType.BFloat16,
        Precision.Fp16 => ScalarType.Float16,
        _ => null,
    };

    /// <summary>Sets the process-wide TF32 switches for a run on <paramref name="device"/>: on for tf32 and for the
    /// fp32 leftovers of mixed precision, off for fp32 (no-op on a CPU).</summary>
    public static void ApplyMatmulMode(Precision precision, Device device)
    {
        if (device.type != DeviceType.CUDA) return;
        var tf32 = precision != Precision.Fp32;
        torch.backends.cuda.matmul.allow_tf32 = tf32;
        torch.backends.cudnn.allow_tf32 = tf32;
    }
}
