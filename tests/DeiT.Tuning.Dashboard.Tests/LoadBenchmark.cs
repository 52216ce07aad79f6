using System.Diagnostics;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace DeiT.Tuning.Dashboard.Tests;

/// <summary>
/// The study page's load time for a study of 500 trials of 5 epochs each: from navigation until the leaderboard
/// holds every row and the charts are drawn. Prints figures; asserts only that the page is complete.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class LoadBenchmark(DashboardCluster fixture, ITestOutputHelper output)
{
    private const int Trials = 500;

    [BenchmarkFact]
    public async Task Study_page_of_500_trials_load_time()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("bench-500");
        await study.Create(new StudySpec
        {
            Name = "bench-500",
            Space = TrainingScripts.Space,
            Sampler = "random",
            Trials = Trials,
            Parallel = 8,
            Seed = 5,
            Runner = new TrialRunnerSpec { Kind = RunnerKind.Command, Epochs = 5, Command = TrainingScripts.QuickCommand() },
        });
        await study.Run();
        var done = await StudyWaiting.UntilSettled(study, TimeSpan.FromMinutes(20));
        Assert.Equal(Trials, done.Trials.Count(t => t.Status == TrialStatus.Completed));

        using var http = new HttpClient { BaseAddress = fixture.Address };
        var api = Stopwatch.StartNew();
        var json = await http.GetStringAsync("/api/studies/bench-500");
        Report($"GET /api/studies/bench-500: {api.ElapsedMilliseconds} ms, {json.Length / 1024} KiB");

        for (var run = 1; run <= 3; run++)
        {
            var page = await fixture.NewPage();
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(new Uri(fixture.Address, "/studies/bench-500").ToString());
            await page.WaitForFunctionAsync($"() => document.querySelectorAll('#leaderboard tbody tr').length === {Trials} && document.querySelectorAll('.chart canvas').length === 5");
            var loaded = clock.ElapsedMilliseconds;
            var timing = await page.EvaluateAsync<double>("() => performance.now()");
            Report($"run {run}: study page of {Trials} trials complete {loaded} ms after navigation (page clock {timing:F0} ms)");
            if (run == 3) await DashboardCluster.Screenshot(page, "study-500-trials.png");
            await page.Context.CloseAsync();
        }
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine($"dashboard benchmark: {line}");
    }
}
