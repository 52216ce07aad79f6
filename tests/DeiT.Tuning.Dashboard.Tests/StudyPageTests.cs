using System.Globalization;
using System.Text.Json;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace DeiT.Tuning.Dashboard.Tests;

/// <summary>The real pages, in headless chromium, of studies that run real (small) searches.</summary>
[Collection(DashboardCollection.Name)]
public sealed class StudyPageTests(DashboardCluster fixture, ITestOutputHelper output)
{
    /// <summary>A study whose trials start reporting once <paramref name="gate"/> exists (null: at once).</summary>
    private StudySpec Spec(string name, int trials, int parallel, string log, string? gate = null) => new()
    {
        Name = name,
        Space = TrainingScripts.Space,
        Sampler = "random",
        Pruner = "median:startup_trials=2",
        Trials = trials,
        Parallel = parallel,
        Seed = 11,
        Runner = new TrialRunnerSpec { Kind = RunnerKind.Command, Epochs = 3, Command = TrainingScripts.SlowCommand(fixture.Root, log, gate ?? OpenGate()) },
    };

    [Fact]
    public async Task Study_pages_follow_a_running_search_live_and_show_its_result()
    {
        var log = Path.Combine(fixture.Root, "live-epochs.log");
        var gate = Path.Combine(fixture.Root, "live-gate");
        var study = fixture.Client.GetGrain<IStudyGrain>("live-search");
        await study.Create(Spec("live-search", trials: 8, parallel: 2, log, gate));
        await study.Run();
        var page = await fixture.NewPage();

        await page.GotoAsync(new Uri(fixture.Address, "/").ToString());
        await page.Locator("tr[data-study='live-search']").WaitForAsync();
        Assert.Equal("running", await page.Locator("tr[data-study='live-search'] td").Nth(1).TextContentAsync());
        await DashboardCluster.Screenshot(page, "studies-running.png");

        await page.GotoAsync(new Uri(fixture.Address, "/studies/live-search").ToString());
        await page.Locator("body[data-loaded='true']").WaitForAsync();
        await page.EvaluateAsync("() => { window.__samePage = true; }");
        await page.Locator("#leaderboard tbody tr").First.WaitForAsync();

        // Each next epoch report reaches the open page without a reload: the time from the script's report to the DOM.
        var shown = int.Parse(await page.EvaluateAsync<string>("() => document.body.dataset.totalEpochs"), CultureInfo.InvariantCulture);
        Assert.Equal(0, shown);
        File.WriteAllText(gate, "");
        // For comparison, the part of the latency before the dashboard: the first report reaching the study grain.
        while ((await study.GetSnapshot())!.Trials.Sum(t => t.Epochs.Count) < 1) await Task.Delay(10);
        var inGrain = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - ReportTimes(log)[0];
        var latencies = new List<long>();
        for (var target = shown + 1; target <= shown + 3; target++)
        {
            var seenAt = await page.WaitForFunctionAsync(
                "n => Number(document.body.dataset.totalEpochs) >= n ? Date.now() : false", target, new PageWaitForFunctionOptions { PollingInterval = 10 });
            var seen = await seenAt.JsonValueAsync<long>();
            latencies.Add(seen - ReportTimes(log)[target - 1]);
        }
        var figures = $"epoch report → study grain (polled every 10 ms): {inGrain} ms; epoch report → page DOM: {string.Join(", ", latencies.Select(l => $"{l} ms"))}";
        output.WriteLine(figures);
        Console.WriteLine($"dashboard live latency: {figures}");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__samePage === true"), "the page reloaded instead of updating live");
        Assert.True(await page.Locator(".chart canvas").CountAsync() >= 5, "every chart draws a canvas");
        await DashboardCluster.Screenshot(page, "study-running.png");

        var done = await StudyWaiting.UntilSettled(study, TimeSpan.FromMinutes(3));
        Assert.Equal(StudyState.Finished, done.State);
        await page.Locator("#state.state-finished").WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.__samePage === true"));
        Assert.Equal(8, await page.Locator("#leaderboard tbody tr").CountAsync());
        var best = StudyReading.Best(done)!;
        var firstRow = page.Locator("#leaderboard tbody tr").First;
        Assert.Equal(best.Number.ToString(CultureInfo.InvariantCulture), await firstRow.GetAttributeAsync("data-trial"));
        Assert.Equal("1", await firstRow.Locator("td").First.TextContentAsync());
        foreach (var id in new[] { "history", "curves", "parallel", "importance", "timeline", "slice", "contour" })
            Assert.Equal(1, await page.Locator($"#{id} canvas").CountAsync());
        // The value is x scaled by the epoch: fANOVA over the completed trials gives x nearly all the importance.
        var importance = await page.EvaluateAsync<JsonElement>("async () => (await (await fetch('/api/studies/live-search')).json()).importance");
        Assert.Equal(["x", "opt"], importance.EnumerateArray().Select(i => i.GetProperty("param").GetString()));
        Assert.InRange(importance[0].GetProperty("score").GetDouble(), 0.9, 1.0);

        // The slice shows the most important parameter first, over completed and pruned trials.
        Assert.Equal("x", await page.EvaluateAsync<string>("() => document.body.dataset.slice"));
        await page.SelectOptionAsync("#slice-param", "opt");
        await page.Locator("body[data-slice='opt']").WaitForAsync();
        Assert.Equal(done.Trials.Count(t => t.Status is TrialStatus.Completed or TrialStatus.Pruned),
            await page.EvaluateAsync<int>("() => echarts.getInstanceByDom(document.getElementById('slice')).getOption().series[0].data.length"));

        // The contour defaults to the two most important parameters, over the completed trials; the selects change it.
        await page.Locator("body[data-contour='x×opt']").WaitForAsync();
        Assert.Equal(1, await page.Locator("#contour canvas").CountAsync());
        var contour = await page.EvaluateAsync<JsonElement>("async () => (await (await fetch('/api/studies/live-search/contour')).json())");
        Assert.Equal(("x", false, "opt"), (contour.GetProperty("x").GetProperty("param").GetString(), contour.GetProperty("x").GetProperty("log").GetBoolean(),
            contour.GetProperty("y").GetProperty("param").GetString()));
        Assert.Equal(100, contour.GetProperty("z").GetArrayLength());
        Assert.Equal(100, contour.GetProperty("z")[0].GetArrayLength());
        Assert.Equal(done.Trials.Count(t => t.Status == TrialStatus.Completed), contour.GetProperty("trials").GetArrayLength());
        var refused = await page.EvaluateAsync<JsonElement>(
            "async () => { const r = await fetch('/api/studies/live-search/contour?x=x&y=x'); return { status: r.status, body: await r.json() }; }");
        Assert.Equal(400, refused.GetProperty("status").GetInt32());
        Assert.Contains("give two different parameters", refused.GetProperty("body").GetProperty("error").GetString());
        await page.SelectOptionAsync("#contour-x", "opt");
        await page.Locator("body[data-contour='opt×x']").WaitForAsync(); // y, not picked, follows to the other parameter
        await page.SelectOptionAsync("#contour-y", "opt");
        await page.Locator("#contour-note", new() { HasText = "choose two different parameters" }).WaitForAsync();

        // The failed trial's hostile message is text in the leaderboard, never markup.
        var failed = page.Locator("#leaderboard tbody tr[data-trial='2'] td.reason");
        Assert.Contains(TrainingScripts.Hostile, await failed.TextContentAsync());
        Assert.Equal(0, await page.Locator("#leaderboard img").CountAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => window.__xss === 1"));

        // Trial detail: a click shows its reason and every epoch.
        await page.Locator("#leaderboard tbody tr[data-trial='2']").ClickAsync();
        Assert.Contains(TrainingScripts.Hostile, await page.Locator("#detail-reason").TextContentAsync());
        Assert.Equal(done.Trials[2].Epochs.Count, await page.Locator("#epochs tbody tr").CountAsync());
        // …and the end of its log: the hostile line its process printed, as text.
        await page.Locator("body[data-log-trial='2']").WaitForAsync();
        var printed = await page.Locator("#detail-log").TextContentAsync();
        Assert.StartsWith("== attempt 1 on ", printed);
        Assert.EndsWith(TrainingScripts.Hostile, printed);
        Assert.Equal(0, await page.Locator("#detail-log img").CountAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => window.__xss === 1"));
        Assert.True(await page.Locator("#detail-downloads").IsHiddenAsync()); // an external command keeps no weights
        await DashboardCluster.Screenshot(page, "study-finished.png");

        await page.GotoAsync(new Uri(fixture.Address, "/").ToString());
        await page.Locator("tr[data-study='live-search'] td.state-finished").WaitForAsync();
        await DashboardCluster.Screenshot(page, "studies-finished.png");
        output.WriteLine($"screenshots in {DashboardCluster.Screenshots}");
    }

    [Fact]
    public async Task Leaderboard_sorts_by_the_clicked_column_both_ways()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("sorting");
        await study.Create(Spec("sorting", trials: 4, parallel: 4, Path.Combine(fixture.Root, "sorting.log")));
        await study.Run();
        var done = await StudyWaiting.UntilSettled(study, TimeSpan.FromMinutes(3));
        var page = await fixture.NewPage();
        await page.GotoAsync(new Uri(fixture.Address, "/studies/sorting").ToString());
        await page.Locator("#state.state-finished").WaitForAsync();

        await page.Locator("#leaderboard th[data-key='number']").ClickAsync();
        Assert.Equal(["0", "1", "2", "3"], await TrialColumn(page));
        await page.Locator("#leaderboard th[data-key='number']").ClickAsync();
        Assert.Equal(["3", "2", "1", "0"], await TrialColumn(page));
        await page.Locator("#leaderboard th[data-key='value']").ClickAsync();
        var ascending = done.Trials.OrderBy(t => t.Value ?? double.NegativeInfinity).ThenBy(t => t.Number)
            .Select(t => t.Number.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(ascending, await TrialColumn(page));
    }

    [Fact]
    public async Task Stop_asks_for_confirmation_then_stops_the_study()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("to-stop");
        await study.Create(Spec("to-stop", trials: 20, parallel: 1, Path.Combine(fixture.Root, "stop.log")));
        await study.Run();
        var page = await fixture.NewPage();
        await page.GotoAsync(new Uri(fixture.Address, "/studies/to-stop").ToString());
        await page.Locator("#state.state-running").WaitForAsync();

        await page.Locator("#stop").ClickAsync();
        Assert.True(await page.Locator("#confirm").IsVisibleAsync());
        await page.Locator("#confirm button[value='cancel']").ClickAsync();
        Assert.Equal(StudyState.Running, (await study.GetSnapshot())!.State);

        await page.Locator("#stop").ClickAsync();
        await page.Locator("#confirm-ok").ClickAsync();
        var stopped = await StudyWaiting.UntilSettled(study, TimeSpan.FromMinutes(3));
        Assert.Equal(StudyState.Stopped, stopped.State);
        await page.Locator("#state.state-stopped").WaitForAsync();
        Assert.True(await page.Locator("#resume").IsEnabledAsync());
    }

    [Fact]
    public async Task Api_serves_study_trials_epochs_and_leases_as_json()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("api-study");
        await study.Create(Spec("api-study", trials: 3, parallel: 3, Path.Combine(fixture.Root, "api.log")));
        await study.Run();
        var done = await StudyWaiting.UntilSettled(study, TimeSpan.FromMinutes(3));
        using var http = new HttpClient { BaseAddress = fixture.Address };

        using var studies = JsonDocument.Parse(await http.GetStringAsync("/api/studies"));
        Assert.Contains(studies.RootElement.EnumerateArray(), s => s.GetProperty("name").GetString() == "api-study");
        using var trial = JsonDocument.Parse(await http.GetStringAsync("/api/studies/api-study/trials/0"));
        Assert.Equal(done.Trials[0].Params["x"].Number, trial.RootElement.GetProperty("params").GetProperty("x").GetDouble());
        using var epochs = JsonDocument.Parse(await http.GetStringAsync("/api/studies/api-study/trials/0/epochs"));
        Assert.Equal(done.Trials[0].Epochs.Select(e => e.Top1), epochs.RootElement.EnumerateArray().Select(e => e.GetProperty("top1").GetDouble()));
        using var leases = JsonDocument.Parse(await http.GetStringAsync("/api/studies/api-study/leases"));
        Assert.Equal(done.Leases.Select(l => l.Device).Order(), leases.RootElement.EnumerateArray().Select(l => l.GetProperty("device").GetString()!).Order());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/api/studies/no-such-study")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/api/studies/api-study/trials/99")).StatusCode);
        using var log = JsonDocument.Parse(await http.GetStringAsync("/api/studies/api-study/trials/0/log?lines=1"));
        Assert.Equal(JsonValueKind.Null, log.RootElement.GetProperty("missing").ValueKind);
        Assert.Single(log.RootElement.GetProperty("lines").EnumerateArray()); // the attempt's header: the script prints only reports
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/api/studies/api-study/trials/99/log")).StatusCode);

        // A trial's best weights and model card download (here written as a DeiT trial would keep them).
        var folder = Path.Combine(fixture.Root, "checkpoints", TrialFolder.Relative("api-study", 0));
        var weights = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(folder, TrialFolder.BestWeights), weights);
        await File.WriteAllTextAsync(Path.Combine(folder, "best.json"), "{\"model\": \"deit_micro_patch4_28\"}");
        using var download = await http.GetAsync("/api/studies/api-study/trials/0/weights");
        Assert.Equal(weights, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("api-study-trial-0000.safetensors", download.Content.Headers.ContentDisposition?.FileName);
        using var card = JsonDocument.Parse(await http.GetStringAsync("/api/studies/api-study/trials/0/card"));
        Assert.Equal("deit_micro_patch4_28", card.RootElement.GetProperty("model").GetString());
        using var none = await http.GetAsync("/api/studies/api-study/trials/1/weights");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, none.StatusCode);
        Assert.Contains("trial 1 has no best.safetensors", await none.Content.ReadAsStringAsync());
    }

    /// <summary>When the training script reported each epoch (unix ms), in order.</summary>
    private static long[] ReportTimes(string log) =>
        File.ReadAllLines(log).Select(l => long.Parse(l.Split(' ')[2], CultureInfo.InvariantCulture)).Order().ToArray();

    private string OpenGate()
    {
        var path = Path.Combine(fixture.Root, "open-gate");
        File.WriteAllText(path, "");
        return path;
    }

    private static async Task<string[]> TrialColumn(IPage page) =>
        (await page.Locator("#leaderboard tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.trial)"));
}
