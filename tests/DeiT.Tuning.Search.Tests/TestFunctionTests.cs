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
        var results = SamplerBenchmark.Regret(f, "sobol", [4, 64], 3);
        Assert.All(results.SelectMany(r => r.Regrets), r => Assert.True(r >= 0));
        Assert.True(results[1].Median < results[0].Median);
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
    }

    [Fact]
    public void Parallel_quality_compares_each_sampler_with_workers_to_itself_sequential()
    {
        RegretResult R(string f, int trials, int workers, double median) => new(f, "auto", trials, workers, [median]);
        var quality = RegretComparison.Parallel(
        [
            R("branin", 40, 1, 0.10), R("branin", 40, 4, 0.12), R("branin", 100, 1, 0.01), R("branin", 100, 4, 0.04),
            R("mixed", 40, 1, 1e-9), R("mixed", 40, 4, 5e-7), // both solved: ratio 1
            R("hartmann6", 40, 8, 0.5), // no sequential run of this cell: left out
        ]);

        var four = Assert.Single(quality);
        Assert.Equal((4, 3, 2), (four.Workers, four.Cells, four.WithinTolerance));
        Assert.Equal(Math.Cbrt(1.2 * 4.0 * 1.0), four.GeometricMeanRatio, 12);
    }
}

