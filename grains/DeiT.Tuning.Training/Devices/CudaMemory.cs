using System.Runtime.InteropServices;

namespace DeiT.Tuning.Training.Devices;

/// <summary>
/// Free/total memory of the current CUDA device through the CUDA runtime's cudaMemGetInfo (TorchSharp 0.107 exposes
/// no allocator statistics). Used to check that a finished trial gave its GPU memory back.
/// </summary>
public static class CudaMemory
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int MemGetInfo(out nuint free, out nuint total);

    static readonly string[] RuntimeNames = { "libcudart.so.13", "libcudart.so.12", "libcudart.so" };

    public static (long FreeBytes, long TotalBytes)? TryGetInfo()
    {
        foreach (var name in RuntimeNames)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "cudaMemGetInfo", out var export)) continue;
            var memGetInfo = Marshal.GetDelegateForFunctionPointer<MemGetInfo>(export);
            return memGetInfo(out var free, out var total) == 0 ? ((long)free, (long)total) : null;
        }
        return null;
    }
}
