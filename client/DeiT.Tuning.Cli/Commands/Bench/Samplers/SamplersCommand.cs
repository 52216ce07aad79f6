using System.CommandLine;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Search.Benchmarks;
using DeiT.Tuning.Search.Samplers;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Bench.Samplers;

/// <summary>
/// `deit-tune bench samplers`: simple regret of each sampler on standard test functions (median and mean over seeds)
/// and the latency of one suggestion after 50 / 200 / 500 observations.
/// </summary>
public static class SamplersCommand
{
    public static Command Create()
    {
        var functions = new Option<string>("--functions")
        {
            Description = $"Comma-separated test functions ({string.Join(", ", TestFunction.Names)})",
            DefaultValueFactory = _ => "branin,hartmann6",
        };
        var samplers = new Option<string>("--samplers")
        {
            Description = $"Comma-separated samplers ({string.Join(", ", SamplerFactory.Names)})",
            DefaultValueFactory = _ => "random,sobol,tpe,gp",
        };
        var trials = new Option<int>("--trials") { Description = "Trials per run", DefaultValueFactory = _ => 40 };
        var seeds = new Option<int>("--seeds") { Description = "Runs (seeds 0…n−1) per function and sampler", DefaultValueFactory = _ => 10 };
        var latency = new Option<string>("--latency")
        {
            Description = "Comma-separated history sizes at which to time one suggestion (empty: skip)",
            DefaultValueFactory = _ => "50,200,500",
        };
        var command = new Command("samplers", "Simple regret of samplers on test functions, and suggestion latency")
        {
            functions, samplers, trials, seeds, latency,
        };
        command.SetAction(parse => Run(new Settings(
            List(parse.GetValue(functions), "--functions").Select(ParseFunction).ToList(),
            List(parse.GetValue(samplers), "--samplers").Select(ParseSampler).ToList(),
            Positive(parse.GetValue(trials), "--trials"),
            Positive(parse.GetValue(seeds), "--seeds"),
            List(parse.GetValue(latency), "--latency", allowEmpty: true).Select(ParseObservations).ToList(),
            parse.GetValue(GlobalOptions.Json))));
        return command;
    }

    private sealed record Settings(List<TestFunction> Functions, List<string> Samplers, int Trials, int Seeds, List<int> LatencyAt, bool Json);

    private static int Run(Settings s)
    {
        var regrets = new List<RegretResult>();
        foreach (var function in s.Functions)
            foreach (var sampler in s.Samplers)
            {
                Console.Error.WriteLine($"regret: {function.Name} × {sampler} ({s.Seeds} seeds × {s.Trials} trials)…");
                regrets.Add(SamplerBenchmark.Regret(function, sampler, s.Trials, s.Seeds));
            }
        var latencies = new List<LatencyResult>();
        var latencyFunction = TestFunction.Get("hartmann6");
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
                trials = s.Trials,
                seeds = s.Seeds,
                regret = regrets.Select(r => new { function = r.Function, sampler = r.Sampler, median = r.Median, mean = r.Mean, per_seed = r.Regrets }),
                latency = latencies.Select(l => new { sampler = l.Sampler, observations = l.Observations, function = latencyFunction.Name, ms = l.Milliseconds }),
            });
            return 0;
        }
        var table = new Table().AddColumns("function", "sampler", $"median regret @{s.Trials}", "mean regret");
        foreach (var r in regrets) table.AddRow(r.Function, r.Sampler, Fmt(r.Median), Fmt(r.Mean));
        AnsiConsole.Write(table);
        if (latencies.Count > 0)
        {
            var lat = new Table().AddColumn("sampler");
            foreach (var n in s.LatencyAt) lat.AddColumn($"{n} obs (ms)");
            foreach (var sampler in s.Samplers)
                lat.AddRow([sampler, .. latencies.Where(l => l.Sampler == sampler).Select(l => l.Milliseconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture))]);
            AnsiConsole.Write(lat);
        }
        return 0;
    }

    private static string Fmt(double x) => x.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> List(string? text, string option, bool allowEmpty = false)
    {
        var items = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (items.Count == 0 && !allowEmpty) throw new CliException($"{option} is empty; give a comma-separated list");
        return items;
    }

    private static TestFunction ParseFunction(string name) =>
        TestFunction.Names.Contains(name.ToLowerInvariant())
            ? TestFunction.Get(name)
            : throw new CliException($"--functions: unknown function '{name}'; use {string.Join(", ", TestFunction.Names)}");

    private static string ParseSampler(string name) =>
        SamplerFactory.Names.Contains(name.ToLowerInvariant())
            ? name.ToLowerInvariant()
            : throw new CliException($"--samplers: unknown sampler '{name}'; use {string.Join(", ", SamplerFactory.Names)}");

    private static int ParseObservations(string text) =>
        int.TryParse(text, out var n) && n > 0 ? n : throw new CliException($"--latency: '{text}' is not a positive whole number");

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new CliException($"{option} must be positive (got {value})");
}
