using System.CommandLine;
using System.Net;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Dashboard;

namespace DeiT.Tuning.Cli.Commands.Dashboard;

/// <summary>
/// `deit-tune dashboard`: the study dashboard in a browser, over the folder's embedded silo (joined, or started
/// here) or --cluster. Loopback by default; another --bind needs --token (or DEIT_TUNE_DashboardToken).
/// </summary>
public static class DashboardCommand
{
    private const string TokenVariable = "DEIT_TUNE_DashboardToken";

    public static Command Create()
    {
        var command = new Command("dashboard", "Serve the live study dashboard (studies, leaderboards, charts, device timeline) until Ctrl+C");
        var port = new Option<int>("--port") { Description = "TCP port", DefaultValueFactory = _ => 8080 };
        var bind = new Option<string>("--bind") { Description = "Address to listen on; beyond loopback a --token is required", DefaultValueFactory = _ => "127.0.0.1" };
        var token = new Option<string?>("--token") { Description = $"Secret every request must carry (Authorization: Bearer, or ?token= once); default ${TokenVariable}" };
        var checkpointRoot = StudyAccess.CheckpointRootOption("where trials' logs are read");
        foreach (var option in new Option[] { port, bind, token, checkpointRoot }) command.Options.Add(option);
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = Options(result.GetValue(port), result.GetValue(bind)!, result.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable)) with
            {
                CheckpointRoot = StudyAccess.CheckpointRoot(result.GetValue(checkpointRoot)),
            };
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            await using var app = DashboardServer.Build(connection.Client, options);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                throw new CliException($"--port {options.Port}: cannot listen on {options.Bind}:{options.Port}: {e.Message}", 3);
            }
            var url = DashboardServer.Address(app);
            Console.Error.WriteLine($"dashboard of {connection.Where} on {url} (Ctrl+C stops it)");
            if (result.GetValue(GlobalOptions.Json)) JsonOutput.Write(new { url = url.ToString(), cluster = connection.Where });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Stopping);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop serving
            }
            await app.StopAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    private static DashboardOptions Options(int port, string bind, string? token)
    {
        if (port is < 0 or > 65535) throw new CliException($"--port {port}: use a TCP port between 1 and 65535 (0: any free port)");
        if (!IPAddress.TryParse(bind, out var address))
            throw new CliException($"--bind {bind}: not an IP address; use 127.0.0.1 (this machine only) or e.g. 0.0.0.0 with --token");
        var options = new DashboardOptions { Bind = address, Port = port, Token = string.IsNullOrEmpty(token) ? null : token };
        try
        {
            options.Validate("--token");
        }
        catch (DashboardConfigurationException e)
        {
            throw new CliException(e.Message);
        }
        return options;
    }
}
