using System.CommandLine;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Dashboard;
using DeiT.Tuning.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace DeiT.Tuning.Cli.Commands.Silo;

/// <summary>
/// `deit-tune silo [--Key value …]`: run a silo in the foreground with the silo's configuration keys
/// (appsettings.json, DEIT_TUNE_* environment, then these arguments). With localhost clustering it is this
/// folder's silo: other commands here find it through ./.deit-tune/silo.json.
/// </summary>
public static class SiloCommand
{
    public static Command Create()
    {
        var command = new Command("silo", "Run a silo in the foreground (keys: " + string.Join(", ", SiloSettings.Keys) + ")")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var args = result.UnmatchedTokens.ToArray();
            var configuration = new ConfigurationBuilder();
            TuningSiloHost.AddSources(configuration, args);
            if (!string.Equals(configuration.Build()["Clustering"] ?? "localhost", "localhost", StringComparison.OrdinalIgnoreCase))
                return await SiloProgram.RunAsync(args, cancellationToken);

            var folder = Directory.GetCurrentDirectory();
            if (EmbeddedSiloFile.FindRunning(folder) is { } running)
                throw new CliException($"this folder's silo already runs (pid {running.Pid}, gateway port {running.GatewayPort})", 3);
            await using var connection = await TuningConnection.OpenAsync(cluster: null, keepStudiesRunning: true, cancellationToken, args);
            await using var dashboard = await StartStudyDashboard(configuration, connection, cancellationToken);
            Console.Error.WriteLine($"deit-tune silo: {connection.Where}" +
                                    (dashboard is null ? "" : $", study dashboard {DashboardServer.Address(dashboard)}") + "; Ctrl+C stops it");
            try
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Stopping);
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            return 0;
        });
        return command;
    }

    /// <summary>Dashboard=true: the folder's silo serves the study dashboard as a cluster's silo does.</summary>
    private static async Task<WebApplication?> StartStudyDashboard(IConfigurationBuilder configuration, TuningConnection connection, CancellationToken cancellationToken)
    {
        var settings = SiloSettings.From(configuration.Build());
        if (!settings.Dashboard) return null;
        var app = DashboardServer.Build(connection.Client, settings.StudyDashboard, "DashboardToken");
        await app.StartAsync(cancellationToken);
        return app;
    }
}
