using System.CommandLine;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Grains.Devices;
using DeiT.Tuning.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Bench.StudyStorage;

/// <summary>`deit-tune bench study-storage`: time per epoch report early and late in a large study, and ask+tell per second.</summary>
public static class StudyStorageCommand
{
    public static Command Create()
    {
        var backend = new Option<string>("--backend") { Description = "Grain storage: sqlite (a temporary file), postgres or redis (give --connection)", DefaultValueFactory = _ => "sqlite" };
        backend.AcceptOnlyFromAmong("sqlite", "postgres", "redis");
        var connection = new Option<string?>("--connection") { Description = "postgres: an Npgsql connection string to a database set up with deploy/sql/postgres; redis: host:port" };
        var trials = new Option<int>("--trials") { Description = "Trials of the report study", DefaultValueFactory = _ => 500 };
        var epochs = new Option<int>("--epochs") { Description = "Epoch reports per trial", DefaultValueFactory = _ => 20 };
        var pruner = new Option<string>("--pruner") { Description = "Pruner each report goes through", DefaultValueFactory = _ => "median" };
        var askTell = new Option<int>("--ask-tell") { Description = "Trials of the ask-and-tell study (random sampler); 0 skips it", DefaultValueFactory = _ => 0 };

        var command = new Command("study-storage", "Time epoch reports at the start and end of a large study, and ask+tell per second, on a storage backend")
        {
            backend, connection, trials, epochs, pruner, askTell,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var kind = parse.GetValue(backend)!;
            var connectionString = parse.GetValue(connection);
            if (kind != "sqlite" && string.IsNullOrWhiteSpace(connectionString))
                throw new CliException($"--backend {kind} needs --connection (postgres: \"Host=...;Database=...;Username=...\", redis: host:port)");
            var reportTrials = Positive(parse.GetValue(trials), "--trials");
            var reportEpochs = Positive(parse.GetValue(epochs), "--epochs");
            var askTellTrials = parse.GetValue(askTell);
            if (askTellTrials < 0) throw new CliException($"--ask-tell must be 0 or more trials, got {askTellTrials}");
            var folder = Directory.CreateTempSubdirectory("deit-tune-bench-storage-").FullName;
            try
            {
                using var host = await StartSilo(kind, connectionString ?? Path.Combine(folder, "state.db"), folder, cancellationToken);
                var grains = host.Services.GetRequiredService<IGrainFactory>();
                var progress = new SynchronousProgress(line => Console.Error.WriteLine(line));
                var benchmark = new StudyStorageBenchmark(grains, () => grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero), progress);
                var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
                var result = new StudyStorageBenchmarkResult
                {
                    Backend = kind,
                    Reports = await benchmark.Reports($"bench-reports-{run}", reportTrials, reportEpochs, parse.GetValue(pruner)!),
                    AskTell = askTellTrials > 0 ? await benchmark.AskTell($"bench-ask-tell-{run}", askTellTrials) : null,
                };
                if (kind != "sqlite") // a shared database keeps nothing of the benchmark
                {
                    await grains.GetGrain<IStudyGrain>($"bench-reports-{run}").Delete();
                    if (askTellTrials > 0) await grains.GetGrain<IStudyGrain>($"bench-ask-tell-{run}").Delete();
                }
                await host.StopAsync(CancellationToken.None);
                if (parse.GetValue(GlobalOptions.Json)) JsonOutput.Write(result);
                else Print(result);
                return 0;
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        });
        return command;
    }

    private static async Task<IHost> StartSilo(string kind, string connectionString, string folder, CancellationToken cancellationToken)
    {
        var settings = new SiloSettings
        {
            Storage = Enum.Parse<StorageKind>(kind, ignoreCase: true),
            StorageConnectionString = connectionString,
            SiloPort = EmbeddedSilo.FreePort(),
            GatewayPort = EmbeddedSilo.FreePort(),
            Devices = DeviceList.Parse("cpu:1x1"),
            CheckpointRoot = Path.Combine(folder, "checkpoints"),
            WakeStudiesOnStart = false,
        };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = folder });
        builder.Logging.ClearProviders();
        TuningSiloHost.Configure(builder, settings);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    static int Positive(int value, string option) =>
        value > 0 ? value : throw new CliException($"{option} must be a positive integer, got {value}");

    static void Print(StudyStorageBenchmarkResult r)
    {
        var table = new Table().AddColumns("measure", "value");
        var reports = r.Reports;
        table.AddRow("backend", r.Backend);
        table.AddRow("report study", $"{reports.Trials} trials × {reports.Epochs} epochs = {reports.Reports} reports, pruner {reports.Pruner}");
        table.AddRow("ms per report: first 10 % / last 10 % / mean", $"{reports.MsFirstTenth:F2} / {reports.MsLastTenth:F2} / {reports.MsMean:F2}");
        table.AddRow("reactivation (reads every trial)", $"{reports.ReloadSeconds:F2} s");
        if (r.AskTell is { } a)
        {
            table.AddRow("ask+tell study", $"{a.Trials} trials, random sampler");
            table.AddRow("ask+tell per second", $"{a.PerSecond:F0}");
            table.AddRow("ms per ask+tell: first 10 % / last 10 %", $"{a.MsFirstTenth:F2} / {a.MsLastTenth:F2}");
            table.AddRow("reactivation (reads every trial)", $"{a.ReloadSeconds:F2} s");
        }
        AnsiConsole.Write(table);
    }
}
