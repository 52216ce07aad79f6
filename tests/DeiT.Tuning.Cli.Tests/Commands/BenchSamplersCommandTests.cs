using System.Text.Json;

namespace DeiT.Tuning.Cli.Tests.Commands;

/// <summary>`bench samplers` with asynchronous workers beside sequential runs, and its option errors.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class BenchSamplersCommandTests
{
    [Fact]
    public async Task Parallel_runs_are_compared_with_the_sequential_run_cell_by_cell()
    {
        var (code, stdout, _) = await ConsoleCapture.RunAsync("bench samplers --functions branin --samplers gp --trials 10,20 --seeds 3 --workers 1,4 --json");
        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(stdout);
        var r = document.RootElement;
        var medians = r.GetProperty("regret").EnumerateArray()
            .ToDictionary(e => (e.GetProperty("trials").GetInt32(), e.GetProperty("workers").GetInt32()), e => e.GetProperty("median").GetDouble());
        Assert.Equal(4, medians.Count);

        var cells = r.GetProperty("parallel_cells").EnumerateArray().ToList();
        Assert.Equal([10, 20], cells.Select(c => c.GetProperty("trials").GetInt32()));
        foreach (var c in cells)
        {
            var trials = c.GetProperty("trials").GetInt32();
            Assert.Equal(4, c.GetProperty("workers").GetInt32());
            Assert.Equal(medians[(trials, 4)], c.GetProperty("median").GetDouble());
            Assert.Equal(medians[(trials, 1)], c.GetProperty("sequential_median").GetDouble());
            var match = c.GetProperty("trials_to_match");
            if (match.ValueKind == JsonValueKind.Null)
            {
                Assert.True(medians[(20, 4)] > Math.Max(medians[(trials, 1)], 1e-6)); // not reached even at the end of the run
                Assert.Equal(JsonValueKind.Null, c.GetProperty("speedup").ValueKind);
                continue;
            }
            Assert.True(c.GetProperty("sequential_lagged").GetDouble() >= medians[(trials, 1)]); // 3 trials earlier: no better
            var n = match.GetInt32();
            Assert.InRange(n, 1, 20);
            if (c.GetProperty("ratio_to_sequential").GetDouble() <= 1) Assert.True(n <= trials);
            Assert.Equal(4.0 * trials / n, c.GetProperty("speedup").GetDouble(), 12);
        }
        var summary = Assert.Single(r.GetProperty("parallel").EnumerateArray());
        Assert.Equal(cells.Count(c => c.GetProperty("trials_to_match").ValueKind != JsonValueKind.Null), summary.GetProperty("matched").GetInt32());
        Assert.Equal(cells.Count(c => c.GetProperty("lag_ratio").GetDouble() <= 1.3), summary.GetProperty("lag_within_tolerance").GetInt32());
    }

    [Fact]
    public async Task Peer_lines_with_workers_sit_beside_our_runs_with_as_many_workers()
    {
        var peer = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(peer,
            [
                """{"function": "branin", "sampler": "optuna-tpe", "workers": 1, "trials": 8, "median_regret": 0.5}""",
                """{"function": "branin", "sampler": "optuna-tpe", "workers": 2, "trials": 8, "median_regret": 2.0}""",
            ]);
            var (code, stdout, stderr) = await ConsoleCapture.RunAsync($"bench samplers --functions branin --samplers random --trials 8 --seeds 2 --workers 1,2 --peer {peer} --json");
            Assert.True(code == 0, stderr);
            using var document = JsonDocument.Parse(stdout);
            var r = document.RootElement;
            var comparison = r.GetProperty("comparison").EnumerateArray().ToDictionary(c => c.GetProperty("workers").GetInt32(), c => c.GetProperty("peer_best").GetDouble());
            Assert.Equal(new Dictionary<int, double> { [1] = 0.5, [2] = 2.0 }, comparison);
            var optuna = r.GetProperty("parallel").EnumerateArray().Single(q => q.GetProperty("sampler").GetString() == "optuna-tpe");
            Assert.Equal((1, 0, 4.0), (optuna.GetProperty("cells").GetInt32(), optuna.GetProperty("within_tolerance").GetInt32(),
                optuna.GetProperty("geometric_mean_ratio_to_sequential").GetDouble()));
            Assert.Equal(JsonValueKind.Null, optuna.GetProperty("matched").ValueKind);
        }
        finally
        {
            File.Delete(peer);
        }
    }

    [Fact]
    public async Task A_sampler_in_the_list_may_carry_settings()
    {
        var (code, stdout, stderr) = await ConsoleCapture.RunAsync("bench samplers --functions branin --samplers tpe:n_startup_trials=3,prior_weight=2,random --trials 6 --seeds 2 --json");
        Assert.True(code == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        Assert.Equal(["tpe:n_startup_trials=3,prior_weight=2", "random"],
            document.RootElement.GetProperty("regret").EnumerateArray().Select(r => r.GetProperty("sampler").GetString()));
    }

    [Theory]
    [InlineData("bench samplers --samplers gp:n_ei_candidates=4", "--samplers gp:n_ei_candidates=4: sampler 'gp' has no setting")]
    [InlineData("bench samplers --functions camel", "--functions")]
    [InlineData("bench samplers --workers 0", "--workers")]
    [InlineData("bench samplers --samplers nope", "--samplers")]
    public async Task Bad_options_fail_naming_the_option(string args, string named)
    {
        var (code, _, stderr) = await ConsoleCapture.RunAsync(args);
        Assert.NotEqual(0, code);
        Assert.Contains(named, stderr);
    }
}
