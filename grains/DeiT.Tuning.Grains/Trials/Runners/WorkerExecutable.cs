namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>
/// Where deit-tune-worker is: beside the silo's own assemblies (the silo project references the worker project, so
/// it is built next to deit-tune-silo and deit-tune), started through its apphost or, without one, through dotnet.
/// </summary>
public sealed class WorkerExecutable
{
    public const string Name = "deit-tune-worker";

    public WorkerExecutable() : this(AppContext.BaseDirectory)
    {
    }

    public WorkerExecutable(string folder)
    {
        var apphost = Path.Combine(folder, OperatingSystem.IsWindows() ? Name + ".exe" : Name);
        var assembly = Path.Combine(folder, Name + ".dll");
        if (File.Exists(apphost)) Command = [apphost];
        else if (File.Exists(assembly) && DotnetHost() is { } dotnet) Command = [dotnet, assembly];
        Missing = $"{Name} is not in {folder}: deploy it beside the silo (it is part of the silo's build output)";
    }

    /// <summary>The argv that starts a worker, or null when it cannot be found.</summary>
    public IReadOnlyList<string>? Command { get; }

    public string Missing { get; }

    private static string? DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : null;
}
