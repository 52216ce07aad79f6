using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeiT.Tuning.Cli.Cluster;

/// <summary>The CLI's hosts (an Orleans client, the embedded silo) log warnings and worse to stderr, less of Orleans'.</summary>
internal static class QuietHostLogging
{
    public static void Apply(HostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        // A command that ends right after it started the silo stops it while the silo's own start-up messages (waking
        // the folder's studies) are still being placed: Orleans logs each as failed, and its placement retries (Polly)
        // as warnings. What concerns the command fails the command itself.
        builder.Logging.AddFilter("Orleans.Messaging", LogLevel.Critical);
        builder.Logging.AddFilter("Polly", LogLevel.Error);
        // A silo that cannot start (a port in use) becomes one error naming the key; its own start-up log is not needed.
        builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.None);
        builder.Logging.AddFilter("Orleans.Runtime.SiloLifecycleSubject", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None); // start failures become CLI errors
    }
}
