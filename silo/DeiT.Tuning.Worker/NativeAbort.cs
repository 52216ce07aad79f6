using System.Runtime.InteropServices;

namespace DeiT.Tuning.Worker;

/// <summary>libc's abort(): the SIGABRT a failing native assertion in libtorch raises, for crash-isolation tests.</summary>
internal static partial class NativeAbort
{
    [LibraryImport("libc", EntryPoint = "abort")]
    internal static partial void Abort();
}
