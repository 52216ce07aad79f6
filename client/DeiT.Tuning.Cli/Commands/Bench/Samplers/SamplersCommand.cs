using System.CommandLine;
using System.Globalization;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Search.Benchmarks;
using DeiT.Tuning.Search.Samplers;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Bench.Samplers;

/// <summary>
/// `deit-tune bench samplers`: median simple regret of each sampler per (function, budget, workers) over seeds,
/// optionally beside a peer's figures (optuna_suite.py's JSON lines; with workers, optuna_suite_parallel.py's) with
/// ratios, and the latency of one suggestion.
/// </summary>
public static class SamplersCommand
{
    public static Command Create()
    {
        var suite = new Option<string?>("--suite") { Description = "Run a whole suite instead of --functions: 'public' (shared/peers/suite.py)" };
        var functions = new Option<string>("--functions")
        {
            Description = $"Comma-separated test functions ({string.Join(", ", TestFunction.Names)})",
            DefaultValueFactory = _ => "branin,hartmann6",
        };
        var samplers = new Option<string>("--samplers")
        {
            Description = $"Comma-separated samplers ({string.Join(", ", SamplerFactory.Names)}), each optionally with settings: tpe:n_startup_trials=20,prior_weight=2,gp",
            DefaultValueFactory = _ => "random,tpe,gp",
        };
        var trials = new Option<string>("--trials") { Description = "Comma-separated budgets (finished trials) at which regret is read", DefaultValueFactory = _ => "40" };
        var seeds = new Option<int>("--seeds") { Description = "Runs (seeds 0…n−1) per function and sampler", DefaultValueFactory = _ => 10 };
        var workers = new Option<string>("--workers")
        {
            Description = "Comma-separated numbers of asynchronous workers (running trials are pending for the sampler)",
            DefaultValueFactory = _ => "1",
        };
        var peer = new Option<string?>("--peer")
        {
            Description = "JSON lines from optuna_suite.py (and deploy/optuna_suite_parallel.py, for --workers) to show beside ours, with ratios",
        };
        var latency = new Option<string>("--latency")
        {
            Description = "Comma-separated history sizes at which to time one suggestion (e.g. 100,500,2000; empty: skip)",
            DefaultValueFactory = _ => "",
        };
        var learningCurves = new Option<string?>("--learning-curves")
        {
            Description = "Instead: regret on crossing learning curves after these epoch budgets (e.g. 270,540,1080), each sampler without pruning and with Hyperband; --peer: deploy/learning_curves_optuna.py's lines",
        };
        var command = new Command("samplers", "Simple regret of samplers on test functions (beside Optuna's), and suggestion latency")
        {
            suite, functions, samplers, trials, seeds, workers, peer, latency, learningCurves,
        };
        command.SetAction(parse => parse.GetValue(learningCurves) is { } epochs
            ? LearningCurvesCommand.Run(
                Samplers(parse.GetValue(samplers)),
                List(epochs, "--learning-curves").Select(e => PositiveInt(e, "--learning-curves")).Distinct().Order().ToList(),
                Positive(parse.GetValue(seeds), "--seeds"),
                parse.GetValue(peer),
                parse.GetValue(GlobalOptions.Json))
            : Run(new Settings(
            Functions(parse.GetValue(suite), parse.GetValue(functions)),
            Samplers(parse.GetValue(samplers)),
            List(parse.GetValue(trials), "--trials").Select(t => PositiveInt(t, "--trials")).Distinct().Order().ToList(),
            Positive(parse.GetValue(seeds), "--seeds"),
            List(parse.GetValue(workers), "--workers").Select(w => PositiveInt(w, "--workers")).Distinct().Order().ToList(),
            ReadPeer(parse.GetValue(peer)),
            List(parse.GetValue(latency), "--latency", allowEmpty: true).Select(n => PositiveInt(n, "--latency")).ToList(),
            parse.GetValue(GlobalOptions.Json))));
        return command;
    }

    private sealed record Settings(
        List<TestFunction> Functions, List<string> Samplers, List<int> Budgets, int Seeds, List<int> Workers,
        IReadOnlyList<PeerFigure> Peer, List<int> LatencyAt, bool Json);

    private static int Run(Settings s)
    {
        var runs = new List<RegretCurves>();
        foreach (var function in s.Functions)
            foreach (var sampler in s.Samplers)
                foreach (var w in s.Workers)
                {
                    Console.Error.WriteLine($"regret: {function.Name} × {sampler} × {w} worker(s) ({s.Seeds} seeds × {s.Budgets.Max()} trials)…");
                    runs.Add(SamplerBenchmark.Curves(function, sampler, s.Budgets.Max(), s.Seeds, w));
                }
        var regrets = runs.SelectMany(r => s.Budgets.Select(r.At)).ToList();
        var rows = s.Peer.Count > 0 ? RegretComparison.Rows(regrets, s.Peer) : [];
        var means = RegretComparison.GeometricMeans(rows);
        var parallelCells = RegretComparison.ParallelCells(runs, s.Budgets)
            .Concat(RegretComparison.PeerParallelCells(s.Peer)
                .Where(c => s.Workers.Contains(c.Workers) && s.Budgets.Contains(c.Trials) && s.Functions.Any(f => f.Name == c.Function)))
            .ToList();
        var parallel = RegretComparison.Parallel(parallelCells);
        var latencyFunction = TestFunction.Get("hartmann6");
        var latencies = new List<LatencyResult>();
        foreach (var sampler in s.Samplers)
            foreach (var n in s.LatencyAt)
            {
                Console.Error.WriteLine($"latency: {sampler} after {n} observations…");
                latencies.Add(SamplerBenchmark.Latency(latencyFunction, sampler, n));
            }

        if (s.Json)
        {
            JsonOutput.Write(new
            {
                budgets = s.Budgets,
                seeds = s.Seeds,
                regret = regrets.Select(r => new { function = r.Function, sampler = r.Sampler, trials = r.Trials, workers = r.Workers, median = r.Median, mean = r.Mean, per_seed = r.Regrets }),
                peer = s.Peer,
                comparison = rows.Select(r => new
                {
                    function = r.Function, trials = r.Trials, workers = r.Workers, sampler = r.Sampler, median = r.Median, peer_tpe = r.PeerTpe,
                    peer_best_sampler = r.PeerBestSampler, peer_best = r.PeerBest, ratio_to_peer_tpe = r.RatioToPeerTpe,
                    ratio_to_peer_best = r.RatioToPeerBest,
                }),
                geometric_mean_ratio = means,
                parallel = parallel.Select(q => new
                {
                    sampler = q.Sampler, workers = q.Workers, cells = q.Cells, within_tolerance = q.WithinTolerance,
                    tolerance = RegretComparison.ParallelTolerance, geometric_mean_ratio_to_sequential = q.GeometricMeanRatio,
                    matched = q.Matched, geometric_mean_speedup_of_matched = q.GeometricMeanSpeedup,
                    lag_within_tolerance = q.LagWithinTolerance,
                }),
                parallel_cells = parallelCells.Select(c => new
                {
                    function = c.Function, sampler = c.Sampler, trials = c.Trials, workers = c.Workers, median = c.Median,
                    sequential_median = c.SequentialMedian, ratio_to_sequential = c.Ratio, trials_to_match = c.TrialsToMatch,
                    speedup = c.Speedup, sequential_lagged = c.SequentialLagged, lag_ratio = c.LagRatio,
                }),
                latency = latencies.Select(l => new { sampler = l.Sampler, observations = l.Observations, function = latencyFunction.Name, ms = l.Milliseconds }),
            });
            return 0;
        }
        WriteRegretTable(s, regrets, rows);
        if (means.Count > 0)
        {
            var geo = new Table().AddColumns("sampler", "workers", "trials", "geo-mean ratio to peer best", "geo-mean ratio to peer tpe", "functions");
            foreach (var m in means)
                geo.AddRow(m.Sampler, $"{m.Workers}", m.Trials == 0 ? "all" : $"{m.Trials}", Fmt(m.ToPeerBest), m.ToPeerTpe is { } t ? Fmt(t) : "–", $"{m.Functions}");
            AnsiConsole.Write(geo);
        }
        if (parallel.Count > 0) WriteParallelTables(parallelCells, parallel);
        if (latencies.Count > 0)
        {
            var lat = new Table().AddColumn("sampler");
            foreach (var n in s.LatencyAt) lat.AddColumn($"{n} obs (ms)");
            foreach (var sampler in s.Samplers)
                lat.AddRow([sampler, .. latencies.Where(l => l.Sampler == sampler).Select(l => l.Milliseconds.ToString("F1", CultureInfo.InvariantCulture))]);
            AnsiConsole.Write(lat);
        }
        return 0;
    }

    /// <summary>One row per (function, budget, workers): each of our samplers, then the peer's TPE and best with our ratios to them.</summary>
    private static void WriteRegretTable(Settings s, List<RegretResult> regrets, IReadOnlyList<ComparisonRow> rows)
    {
        var table = new Table().AddColumns("function", "trials", "workers");
        foreach (var sampler in s.Samplers) table.AddColumn(sampler);
        var peer = s.Peer.Count > 0;
        if (peer)
        {
            table.AddColumns("optuna-tpe", "optuna best");
            foreach (var sampler in s.Samplers) table.AddColumn($"{sampler} / best");
        }
        foreach (var group in regrets.GroupBy(r => (r.Function, r.Trials, r.Workers)))
        {
            var cells = new List<string> { group.Key.Function, $"{group.Key.Trials}", $"{group.Key.Workers}" };
            cells.AddRange(s.Samplers.Select(sampler => Fmt(group.First(r => r.Sampler == sampler).Median)));
            if (peer)
            {
                var here = rows.Where(r => r.Function == group.Key.Function && r.Trials == group.Key.Trials && r.Workers == group.Key.Workers).ToList();
                var first = here.FirstOrDefault();
                cells.Add(first?.PeerTpe is { } t ? Fmt(t) : "–");
                cells.Add(first?.PeerBest is { } b ? $"{Fmt(b)} ({first.PeerBestSampler})" : "–");
                cells.AddRange(s.Samplers.Select(sampler => here.FirstOrDefault(r => r.Sampler == sampler)?.RatioToPeerBest is { } ratio ? Fmt(ratio) : "–"));
            }
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
    }

    /// <summary>
    /// Each run with workers against the sequential one (ours, and the peer's where its lines have workers): the ratio
    /// of median regrets at the same trial count, the finished trials the workers needed to reach the sequential regret
    /// as a wall-clock speedup, and the sequential run's own regret w−1 trials earlier as a ratio; then a summary per
    /// sampler and worker count.
    /// </summary>
    private static void WriteParallelTables(IReadOnlyList<ParallelCell> cells, IReadOnlyList<ParallelQuality> summary)
    {
        var perCell = new Table().AddColumns(
            "function", "trials", "sampler", "workers", "ratio to sequential", "trials to reach sequential", "wall-clock speedup",
            "sequential w−1 trials earlier");
        foreach (var c in cells)
            perCell.AddRow(c.Function, $"{c.Trials}", c.Sampler, $"{c.Workers}", Fmt(c.Ratio),
                c.TrialsToMatch is { } n ? $"{n}" : c.FromCurves ? "not in the run" : "–",
                c.Speedup is { } x ? $"{x:F1}×" : "–", c.LagRatio is { } lag ? Fmt(lag) : "–");
        AnsiConsole.Write(perCell);
        var tolerance = RegretComparison.ParallelTolerance;
        var par = new Table().AddColumns(
            "sampler", "workers", $"cells within {tolerance}× of sequential", "geo-mean ratio to sequential",
            "cells reaching sequential", "geo-mean speedup (those)", $"sequential w−1 earlier within {tolerance}×");
        foreach (var q in summary)
            par.AddRow(q.Sampler, $"{q.Workers}", $"{q.WithinTolerance} / {q.Cells}", Fmt(q.GeometricMeanRatio),
                q.Matched is { } matched ? $"{matched} / {q.Cells}" : "–", q.GeometricMeanSpeedup is { } x ? $"{x:F1}×" : "–",
                q.LagWithinTolerance is { } lag ? $"{lag} / {q.Cells}" : "–");
        AnsiConsole.Write(par);
    }

    private static string Fmt(double x) => x.ToString("G4", CultureInfo.InvariantCulture);

    private static List<TestFunction> Functions(string? suite, string? functions)
    {
        if (suite is null) return List(functions, "--functions").Select(ParseFunction).ToList();
        return suite.Trim().ToLowerInvariant() == "public"
            ? TestFunction.PublicSuite.Select(TestFunction.Get).ToList()
            : throw new CliException($"--suite: unknown suite '{suite}'; use 'public' or list functions with --functions");
    }

    private static IReadOnlyList<PeerFigure> ReadPeer(string? path)
    {
        if (path is null) return [];
        if (!File.Exists(path)) throw new CliException($"--peer: file '{path}' does not exist; produce it with python3 shared/peers/optuna_suite.py > FILE");
        try
        {
            return PeerFigures.Parse(path, File.ReadLines(path));
        }
        catch (FormatException e)
        {
            throw new CliException($"--peer: {e.Message}");
        }
    }

    internal static List<string> List(string? text, string option, bool allowEmpty = false)
    {
        var items = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (items.Count == 0 && !allowEmpty) throw new CliException($"{option} is empty; give a comma-separated list");
        return items;
    }

    private static TestFunction ParseFunction(string name) =>
        TestFunction.Names.Contains(name.ToLowerInvariant())
            ? TestFunction.Get(name)
            : throw new CliException($"--functions: unknown function '{name}'; use {string.Join(", ", TestFunction.Names)}");

    /// <summary>The sampler specs of a comma-separated list; an item key=value is a setting of the sampler before it.</summary>
    internal static List<string> Samplers(string? text)
    {
        var specs = new List<string>();
        foreach (var item in List(text, "--samplers"))
        {
            if (item.Contains('=') && !item.Contains(':') && specs.Count > 0) specs[^1] += "," + item;
            else specs.Add(item);
        }
        return specs.Select(spec => SamplerSpec.Check(spec, "--samplers")).ToList();
    }

    internal static int PositiveInt(string text, string option) =>
        int.TryParse(text, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new CliException($"{option}: '{text}' is not a positive whole number");

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new CliException($"{option} must be positive (got {value})");
}
