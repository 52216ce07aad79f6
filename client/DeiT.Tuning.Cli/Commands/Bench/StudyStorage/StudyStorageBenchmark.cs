using System.Diagnostics;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Cli.Commands.Bench.StudyStorage;

public sealed record StudyStorageBenchmarkResult
{
    public required string Backend { get; init; }
    public required ReportTimings Reports { get; init; }
    public AskTellTimings? AskTell { get; init; }
}

/// <summary>Epoch reports to a study of <see cref="Trials"/> trials: milliseconds per report over the first and the last tenth.</summary>
public sealed record ReportTimings
{
    public int Trials { get; init; }
    public int Epochs { get; init; }
    public int Reports { get; init; }
    public string Pruner { get; init; } = "";
    public double MsFirstTenth { get; init; }
    public double MsLastTenth { get; init; }
    public double MsMean { get; init; }
    /// <summary>Reactivating the study from storage once all trials are in it (every trial entry read).</summary>
    public double ReloadSeconds { get; init; }
}

/// <summary>`study ask` + `study tell` pairs with the random sampler.</summary>
public sealed record AskTellTimings
{
    public int Trials { get; init; }
    public double PerSecond { get; init; }
    public double MsFirstTenth { get; init; }
    public double MsLastTenth { get; init; }
    public double ReloadSeconds { get; init; }
}

/// <summary>
/// Drives study grains as the cluster does (epoch reports as trial grains send them, asks and tells as `study` sends
/// them) and times each call, to show whether a report's cost grows with the study.
/// </summary>
public sealed class StudyStorageBenchmark(IGrainFactory grains, Func<Task> deactivateAll, IProgress<string> progress)
{
    private const string Space = """{"parameters": {"x": {"type": "float", "low": 0.0, "high": 1.0}}}""";

    public async Task<ReportTimings> Reports(string name, int trials, int epochs, string pruner)
    {
        var study = grains.GetGrain<IStudyGrain>(name);
        await study.Create(Spec(name, trials, epochs, pruner));
        await study.Run(); // running: every report goes through the pruner as in a real study
        var times = new List<double>(trials * epochs);
        for (var n = 0; n < trials; n++)
        {
            await study.Ask();
            double top1 = 0;
            for (var e = 1; e <= epochs; e++)
            {
                // Each trial a little better than the ones before: no pruner stops one, so every report is a full one.
                top1 = 0.5 * (1 - Math.Exp(-e / 5.0)) + 0.4 * n / trials;
                var started = Stopwatch.GetTimestamp();
                await study.ReportEpoch(n, 0, new EpochMetrics { Epoch = e, Top1 = top1, Top5 = 1, Loss = 1 - top1, TrainLoss = 1, Seconds = 1 });
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            await study.Tell(n, TrialStatus.Completed, top1, null);
            if ((n + 1) % Math.Max(1, trials / 10) == 0) progress.Report($"reports: {n + 1}/{trials} trials, last report {times[^1]:F2} ms");
        }
        var reload = await Reload(study);
        return new ReportTimings
        {
            Trials = trials, Epochs = epochs, Reports = times.Count, Pruner = pruner,
            MsFirstTenth = Tenth(times, first: true), MsLastTenth = Tenth(times, first: false), MsMean = times.Average(), ReloadSeconds = reload,
        };
    }

    public async Task<AskTellTimings> AskTell(string name, int trials)
    {
        var study = grains.GetGrain<IStudyGrain>(name);
        await study.Create(Spec(name, trials, epochs: 1, pruner: "none"));
        var times = new List<double>(trials);
        var all = Stopwatch.StartNew();
        for (var n = 0; n < trials; n++)
        {
            var started = Stopwatch.GetTimestamp();
            var trial = await study.Ask();
            await study.Tell(trial.Number, TrialStatus.Completed, -Math.Abs(trial.Params["x"].Number - 0.3), null);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if ((n + 1) % Math.Max(1, trials / 10) == 0) progress.Report($"ask+tell: {n + 1}/{trials}, last pair {times[^1]:F2} ms");
        }
        var seconds = all.Elapsed.TotalSeconds;
        return new AskTellTimings
        {
            Trials = trials, PerSecond = trials / seconds,
            MsFirstTenth = Tenth(times, first: true), MsLastTenth = Tenth(times, first: false), ReloadSeconds = await Reload(study),
        };
    }

    /// <summary>Seconds for the study's first call after every grain was deactivated: its activation reads it all.</summary>
    private async Task<double> Reload(IStudyGrain study)
    {
        await study.Stop(); // a running study's watchdog keeps it active
        await deactivateAll();
        var started = Stopwatch.GetTimestamp();
        _ = await study.GetSnapshot();
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static StudySpec Spec(string name, int trials, int epochs, string pruner) => new()
    {
        Name = name, Space = Space, Sampler = "random", Pruner = pruner, Trials = trials, Seed = 1,
        Runner = new TrialRunnerSpec { Kind = RunnerKind.AskTell, Epochs = epochs },
    };

    private static double Tenth(List<double> times, bool first)
    {
        var count = Math.Max(1, times.Count / 10);
        return (first ? times.Take(count) : times.TakeLast(count)).Average();
    }
}
