using System.Runtime.InteropServices;

namespace DeiT.Tuning.Training.Devices;

/// <summary>A CUDA device's compute capability through the CUDA runtime's cudaDeviceGetAttribute (TorchSharp 0.107
/// exposes none): bf16 tensor cores need 8.0 or newer, as torch.cuda.is_bf16_supported decides.</summary>
public static class CudaCapability
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int DeviceGetAttribute(out int value, int attribute, int device);

    const int ComputeCapabilityMajor = 75;   // cudaDevAttrComputeCapabilityMajor
    static readonly string[] RuntimeNames = ["libcudart.so.13", "libcudart.so.12", "libcudart.so"];

    /// <summary>The major compute capability of CUDA device <paramref name="index"/>, or null when the runtime is missing.</summary>
    public static int? TryGetMajor(int index)
    {
        foreach (var name in RuntimeNames)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "cudaDeviceGetAttribute", out var export)) continue;
            var getAttribute = Marshal.GetDelegateForFunctionPointer<DeviceGetAttribute>(export);
            return getAttribute(out var major, ComputeCapabilityMajor, index) == 0 ? major : null;
        }
        return null;
    }
}
