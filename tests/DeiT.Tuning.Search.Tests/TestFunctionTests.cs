using DeiT.Tuning.Search.Benchmarks;

namespace DeiT.Tuning.Search.Tests;

public class TestFunctionTests
{
    private static Dictionary<string, ParamValue> Point(params double[] x) =>
        x.Select((v, i) => (Name: $"x{i + 1}", v)).ToDictionary(p => p.Name, p => ParamValue.Of(p.v));

    private static void AtMinimum(string name, int digits, params double[] x)
    {
        var f = TestFunction.Get(name);
        Assert.Equal(f.Minimum, f[Point(x)], digits);
    }

    [Fact]
    public void Known_minimizers_reach_the_published_minima()
    {
        foreach (var (x1, x2) in new[] { (-Math.PI, 12.275), (Math.PI, 2.275), (9.42478, 2.475) }) AtMinimum("branin", 5, x1, x2);
        AtMinimum("six_hump_camel", 5, 0.0898, -0.7126);
        AtMinimum("six_hump_camel", 5, -0.0898, 0.7126);
        AtMinimum("hartmann3", 5, 0.114614, 0.555649, 0.852547);
        AtMinimum("hartmann6", 5, 0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573);
        AtMinimum("shekel10", 2, 4.0007, 4.0006, 3.9995, 3.9996);
        AtMinimum("ackley5", 12, 0, 0, 0, 0, 0);
        AtMinimum("rosenbrock4", 12, 1, 1, 1, 1);
        AtMinimum("styblinski_tang8", 6, Enumerable.Repeat(-2.903534027771177, 8).ToArray());
        AtMinimum("michalewicz5", 4, 2.202906, 1.570796, 1.284992, 1.923058, 1.720470);
    }

    [Fact]
    public void Minima_are_lower_bounds_near_the_minimizers()
    {
        var rng = new Search.Random.Rng(3);
        foreach (var name in TestFunction.PublicSuite.Where(n => n != "mixed"))
        {
            var f = TestFunction.Get(name);
            for (var i = 0; i < 200; i++)
            {
                var x = f.Space.Parameters.ToDictionary(p => p.Name, p => ParamValue.Of(((Search.Distributions.NumericDistribution)p).FromUnit(rng.NextDouble())));
                Assert.True(f[x] >= f.Minimum - 1e-9, $"{name} below its minimum");
            }
        }
    }

    [Fact]
    public void Mixed_space_is_zero_at_its_recipe_and_charges_each_optimizer_its_offset()
    {
        var f = TestFunction.Get("mixed");
        Dictionary<string, ParamValue> Recipe(string optimizer, string? knob, double value)
        {
            var p = new Dictionary<string, ParamValue>
            {
                ["lr"] = ParamValue.Of(1e-3), ["layers"] = ParamValue.Of(6), ["optimizer"] = ParamValue.Of(optimizer),
            };
            if (knob is not null) p[knob] = ParamValue.Of(value);
            f.Space.Validate(p);
            return p;
        }
        Assert.Equal(0.0, f[Recipe("adamw", "beta2", 0.98)], 12);
        Assert.Equal(0.3, f[Recipe("sgd", "momentum", 0.9)], 12);
        Assert.Equal(0.6, f[Recipe("lamb", null, 0)], 12);
        Assert.Equal(0.5 + 0.25, f[new Dictionary<string, ParamValue>(Recipe("adamw", "beta2", 0.98)) { ["lr"] = ParamValue.Of(1e-2), ["layers"] = ParamValue.Of(8) }], 12);
    }

    [Fact]
    public void Regret_is_non_negative_and_shrinks_with_budget()
    {
        var f = TestFunction.Get("branin");
        var curves = SamplerBenchmark.Curves(f, "sobol", 64, 3);
        Assert.All(curves.PerSeed.SelectMany(c => c), r => Assert.True(r >= 0));
        Assert.All(curves.PerSeed, c => Assert.Equal(c.Order().Reverse(), c)); // the best so far never gets worse
        Assert.True(curves.At(64).Median < curves.At(4).Median);
        Assert.Equal(curves.MedianAt(4), curves.At(4).Median);
    }

    [Fact]
    public void Peer_figures_line_up_with_ours_as_ratios_to_the_peers_tpe_and_best()
    {
        var peers = PeerFigures.Parse("peer.jsonl",
        [
            """{"function": "branin", "sampler": "optuna-tpe", "trials": 40, "seeds": 10, "median_regret": 0.2, "mean_regret": 0.5}""",
            """{"function": "branin", "sampler": "optuna-cmaes", "trials": 40, "seeds": 10, "median_regret": 0.1, "mean_regret": 0.5}""",
            "",
        ]);
        var rows = RegretComparison.Rows([new RegretResult("branin", "gp", 40, 1, [0.05, 0.01, 0.02])], peers);
        var row = Assert.Single(rows);
        Assert.Equal("optuna-cmaes", row.PeerBestSampler);
        Assert.Equal(0.1, row.RatioToPeerTpe!.Value, 12);
        Assert.Equal(0.2, row.RatioToPeerBest!.Value, 12);
        var geo = RegretComparison.GeometricMeans(rows);
        Assert.Equal(0.2, geo.Single(g => g.Trials == 40).ToPeerBest, 12);
        var bad = Assert.Throws<FormatException>(() => PeerFigures.Parse("peer.jsonl", ["""{"function": "branin"}"""]));
        Assert.Contains("peer.jsonl:1", bad.Message);
        Assert.Contains("sampler", bad.Message);
        var noWorkers = Assert.Throws<FormatException>(() => PeerFigures.Parse("peer.jsonl",
            ["""{"function": "branin", "sampler": "optuna-tpe", "trials": 40, "workers": 0, "median_regret": 0.2}"""]));
        Assert.Contains("'workers' is 0", noWorkers.Message);
    }

    [Fact]
    public void Runs_with_workers_are_compared_with_the_peer_with_as_many_workers()
    {
        var peers = PeerFigures.Parse("peer.jsonl",
        [
            """{"function": "branin", "sampler": "optuna-tpe", "trials": 40, "median_regret": 0.2}""",
            """{"function": "branin", "sampler": "optuna-tpe", "workers": 1, "trials": 40, "median_regret": 0.2}""", // both files' sequential line
            """{"function": "branin", "sampler": "optuna-tpe", "workers": 8, "trials": 40, "median_regret": 0.5}""",
            """{"function": "branin", "sampler": "optuna-cmaes", "workers": 8, "trials": 40, "median_regret": 0.4}""",
        ]);
        var rows = RegretComparison.Rows(
            [new RegretResult("branin", "auto", 40, 1, [0.02]), new RegretResult("branin", "auto", 40, 8, [0.1]), new RegretResult("branin", "auto", 40, 4, [0.1])],
            peers);
        Assert.Equal((0.2, "optuna-tpe"), (rows[0].PeerBest!.Value, rows[0].PeerBestSampler));
        Assert.Equal((0.4, "optuna-cmaes", 0.2), (rows[1].PeerBest!.Value, rows[1].PeerBestSampler, rows[1].RatioToPeerTpe!.Value));
        Assert.Null(rows[2].PeerBest); // the peer ran no 4-worker study
        Assert.Equal([(1, 0.1), (8, 0.25)], RegretComparison.GeometricMeans(rows).Where(g => g.Trials == 0).Select(g => (g.Workers, Math.Round(g.ToPeerBest, 12))));

        var cell = Assert.Single(RegretComparison.PeerParallelCells(peers)); // CMA-ES has no sequential line to compare with
        Assert.Equal(("optuna-tpe", 8, 2.5, false), (cell.Sampler, cell.Workers, cell.Ratio, cell.FromCurves));
        var quality = Assert.Single(RegretComparison.Parallel([cell]));
        Assert.Equal((1, 0, (int?)null, (int?)null), (quality.Cells, quality.WithinTolerance, quality.Matched, quality.LagWithinTolerance));
    }

    [Fact]
    public void Parallel_quality_compares_each_sampler_with_workers_to_itself_sequential()
    {
        // One seed per run; regret after each of 4 finished trials.
        RegretCurves Run(string f, int workers, params double[] curve) => new(f, "auto", workers, [curve]);
        var cells = RegretComparison.ParallelCells(
        [
            Run("branin", 1, 0.5, 0.10, 0.05, 0.01), Run("branin", 4, 0.9, 0.12, 0.04, 0.04),
            Run("mixed", 1, 1e-3, 1e-9, 1e-9, 1e-9), Run("mixed", 4, 1e-2, 1e-3, 5e-7, 5e-7), // both solved from trial 3 on
            Run("hartmann6", 8, 1, 1, 0.5, 0.5), // no sequential run of this function: left out
        ], [2, 4]);

        Assert.Equal(4, cells.Count);
        var branin2 = cells.Single(c => c.Function == "branin" && c.Trials == 2);
        Assert.Equal((0.12, 0.10, 3), (branin2.Median, branin2.SequentialMedian, branin2.TrialsToMatch!.Value));
        Assert.Equal(4.0 * 2 / 3, branin2.Speedup!.Value, 12); // 4 workers finish 3 trials in the time of 3/4 of one
        var branin4 = cells.Single(c => c.Function == "branin" && c.Trials == 4);
        Assert.Null(branin4.TrialsToMatch); // 0.04 never reaches 0.01
        Assert.Null(branin4.Speedup);
        var mixed2 = cells.Single(c => c.Function == "mixed" && c.Trials == 2);
        Assert.Equal(3, mixed2.TrialsToMatch);
        // The sequential run 3 trials earlier (or after its first trial): what knowing 3 fewer results costs it.
        Assert.Equal((0.5, 5.0), (branin2.SequentialLagged!.Value, branin2.LagRatio!.Value));
        Assert.Equal(0.5 / 0.01, cells.Single(c => c.Function == "branin" && c.Trials == 4).LagRatio!.Value, 12);
        Assert.Equal(1e-3 / 1e-6, mixed2.LagRatio!.Value, 12);
        var twoWorkers = Assert.Single(RegretComparison.ParallelCells([Run("rosenbrock4", 1, 4, 3, 2, 1), Run("rosenbrock4", 2, 4, 4, 3, 2)], [4]));
        Assert.Equal((2.0, 2.0), (twoWorkers.SequentialLagged!.Value, twoWorkers.LagRatio!.Value)); // the sequential run after trial 3

        var four = Assert.Single(RegretComparison.Parallel(cells));
        Assert.Equal((4, 4, 2, 3, 0), (four.Workers, four.Cells, four.WithinTolerance, four.Matched!.Value, four.LagWithinTolerance!.Value));
        Assert.Equal(Math.Pow(1.2 * 4.0 * 1000 * 1.0, 0.25), four.GeometricMeanRatio, 12);
        Assert.Equal(Math.Cbrt(4.0 * 2 / 3 * (4.0 * 2 / 3) * (4.0 * 4 / 3)), four.GeometricMeanSpeedup!.Value, 12);
    }

    [Fact]
    public void Trials_to_reach_a_regret_read_the_median_over_seeds()
    {
        var curves = new RegretCurves("branin", "gp", 1, [[3, 2, 1, 0.5], [4, 1, 1, 1], [9, 9, 0.2, 0.2]]);
        Assert.Equal([4, 2, 1, 0.5], Enumerable.Range(1, 4).Select(curves.MedianAt));
        Assert.Equal(2, curves.TrialsToReach(2));
        Assert.Equal(4, curves.TrialsToReach(0.6));
        Assert.Null(curves.TrialsToReach(0.1));
        Assert.Equal(1, new RegretCurves("mixed", "gp", 1, [[5e-7, 0]]).TrialsToReach(1e-9)); // below the solved regret
    }
}
