namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>
/// A silo that is SIGKILLed runs no cleanup, and its training commands would live on, still holding their device
/// and writing into the checkpoint folder the resumed attempt uses elsewhere. On Linux, util-linux's setpriv
/// gives the command a parent-death signal (SIGKILL) so it dies with the thread that started it.
/// </summary>
public static class ParentDeathSignal
{
    /// <summary>setpriv's path, or null where it is missing (the command then runs unwrapped).</summary>
    public static string? Wrapper { get; } = OperatingSystem.IsLinux()
        ? new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists)
        : null;

    public static IReadOnlyList<string> WrapperArguments { get; } = ["--pdeathsig", "KILL", "--"];
}
