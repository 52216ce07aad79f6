using System.Runtime.InteropServices;

namespace DeiT.Tuning.Training.Engine;

/// <summary>Keeps freed CPU tensor memory inside the process. libtorch's CPU allocator is glibc malloc, which by
/// default serves blocks above a (dynamic) threshold with fresh mmap()s and trims the heap top on free: every
/// training step then page-faults its activations back in (~100k faults per DeiT-Ti step). Raising the mmap
/// threshold to glibc's maximum (32 MiB) and disabling trimming lets step n+1 reuse step n's pages.</summary>
public static partial class CpuAllocatorTuning
{
    const int M_TRIM_THRESHOLD = -1;
    const int M_MMAP_THRESHOLD = -3;
    const int MaxMmapThreshold = 32 * 1024 * 1024;   // glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit

    static int applied;

    /// <summary>Applies the settings once per process; returns whether glibc accepted them (false off glibc).</summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (Interlocked.Exchange(ref applied, 1) == 1) return true;
        try
        {
            return mallopt(M_MMAP_THRESHOLD, MaxMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;   // not glibc (musl): nothing to tune
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
