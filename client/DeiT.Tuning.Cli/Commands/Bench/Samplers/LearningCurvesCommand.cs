using System.Globalization;
using System.Text.Json;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Search.Benchmarks;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Bench.Samplers;

/// <summary>`bench samplers --learning-curves 270,540,1080`: regret against epochs spent, without pruning and with Hyperband.</summary>
internal static class LearningCurvesCommand
{
    public static readonly string Hyperband = $"hyperband:min_resource=1,max_resource={LearningCurveBenchmark.MaxEpochs},reduction_factor=3";

    private sealed record Peer(string Sampler, string Pruner, int Epochs, double MedianRegret);

    public static int Run(List<string> samplers, List<int> epochs, int seeds, string? peerPath, bool json)
    {
        var results = new List<LearningCurveResult>();
        foreach (var sampler in samplers)
            foreach (var pruner in new[] { "none", Hyperband })
            {
                Console.Error.WriteLine($"learning curves: {sampler} + {pruner} ({seeds} seeds × {epochs.Max()} epochs)…");
                results.AddRange(LearningCurveBenchmark.Run(sampler, pruner, epochs, seeds));
            }
        var peers = peerPath is null ? [] : ReadPeer(peerPath);
        if (json)
        {
            JsonOutput.Write(new
            {
                function = "crossing_curves", max_epochs = LearningCurveBenchmark.MaxEpochs, seeds,
                results = results.Select(r => new { sampler = r.Sampler, pruner = r.Pruner.Split(':')[0], epochs = r.Epochs, median = r.Median, per_seed = r.Regrets }),
                peer = peers,
            });
            return 0;
        }
        var table = new Table().AddColumns("sampler", "pruner");
        foreach (var e in epochs) table.AddColumn($"regret @{e} epochs");
        foreach (var group in results.GroupBy(r => (r.Sampler, r.Pruner)))
            table.AddRow([group.Key.Sampler, group.Key.Pruner.Split(':')[0], .. group.Select(r => Fmt(r.Median))]);
        foreach (var group in peers.GroupBy(p => (p.Sampler, p.Pruner)))
            table.AddRow([group.Key.Sampler, group.Key.Pruner, .. epochs.Select(e => group.FirstOrDefault(p => p.Epochs == e) is { } p ? Fmt(p.MedianRegret) : "–")]);
        AnsiConsole.Write(table);
        return 0;
    }

    private static List<Peer> ReadPeer(string path)
    {
        if (!File.Exists(path)) throw new CliException($"--peer: file '{path}' does not exist; produce it with python3 deploy/learning_curves_optuna.py > FILE");
        var peers = new List<Peer>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                peers.Add(new Peer(r.GetProperty("sampler").GetString()!, r.GetProperty("pruner").GetString()!, r.GetProperty("epochs").GetInt32(), r.GetProperty("median_regret").GetDouble()));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new CliException($"--peer: {path}:{number}: {e.Message}; expected learning_curves_optuna.py's lines (sampler, pruner, epochs, median_regret)");
            }
        }
        return peers;
    }

    private static string Fmt(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
}
