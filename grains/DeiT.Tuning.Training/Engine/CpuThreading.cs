using System.Runtime.InteropServices;

namespace DeiT.Tuning.Training.Engine;

/// <summary>How libtorch's OpenMP worker threads wait between parallel regions. libgomp's default spins for
/// ~300k iterations after each region; a training step runs thousands of short regions, so on a machine whose
/// cores are shared (other processes, CPU quotas) the idle worker's spinning eats the CPU the working thread
/// needs — under perf, half of a DeiT-Ti step's samples were libgomp spin loops. Passive waits sleep at once.
/// libgomp reads the setting when it is loaded, so this must run before the process's first TorchSharp call.</summary>
public static partial class CpuThreading
{
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>Sets OMP_WAIT_POLICY for libtorch unless the user already set it or libgomp is already loaded.
    /// Returns the policy in effect: "passive"/"active" as set, "default" when libgomp was loaded first.</summary>
    public static string SetOpenMpWaitPolicy(OpenMpWaitPolicy policy)
    {
        var existing = Environment.GetEnvironmentVariable(WaitPolicyVariable);
        if (!string.IsNullOrEmpty(existing)) return existing.ToLowerInvariant();
        if (policy == OpenMpWaitPolicy.Default || !OperatingSystem.IsLinux()) return "default";
        if (OpenMpAlreadyLoaded()) return "default";
        var value = policy == OpenMpWaitPolicy.Passive ? "PASSIVE" : "ACTIVE";
        if (setenv(WaitPolicyVariable, value, 1) != 0) return "default";
        Environment.SetEnvironmentVariable(WaitPolicyVariable, value);   // keep the managed view in step
        return value.ToLowerInvariant();
    }

    static bool OpenMpAlreadyLoaded() =>
        File.ReadLines("/proc/self/maps").Any(line => line.Contains("libgomp", StringComparison.Ordinal));

    // .NET's Environment.SetEnvironmentVariable only changes the managed copy on Unix; libgomp calls getenv.
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}

public enum OpenMpWaitPolicy { Default, Passive, Active }
