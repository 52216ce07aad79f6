using DeiT.Tuning.Search.Distributions;

namespace DeiT.Tuning.Search.Tests;

public class SearchSpaceTests
{
    private const string Yaml = """
        parameters:
          lr: {type: float, low: 1.0e-5, high: 1.0e-2, log: true, default: 5.0e-4}
          epochs: {type: int, low: 10, high: 100, step: 10}
          batch: {type: int, low: 16, high: 512, log: true}
          drop: {type: float, low: 0, high: 0.5, step: 0.05, default: 0.1}
          distillation: {type: categorical, choices: [none, soft, hard], default: hard}
          alpha: {type: float, low: 0, high: 1, when: {distillation: [soft, hard]}}
          tau: {type: float, low: 0.5, high: 5, when: {distillation: soft}}
        """;

    [Fact]
    public void Parses_every_distribution_kind_and_condition()
    {
        var space = SearchSpace.Parse(Yaml);
        Assert.Equal(["lr", "epochs", "batch", "drop", "distillation", "alpha", "tau"], space.Parameters.Select(p => p.Name));
        var lr = Assert.IsType<FloatDistribution>(space["lr"]);
        Assert.True(lr.Log);
        Assert.Equal(5e-4, lr.Default!.Value.Number);
        var epochs = Assert.IsType<IntDistribution>(space["epochs"]);
        Assert.Equal(10, epochs.Step);
        Assert.Equal(["soft", "hard"], space["alpha"].When!.Values);
        Assert.Equal("soft", Assert.Single(space["tau"].When!.Values));
    }

    [Fact]
    public void Json_round_trip_gives_the_same_space_and_list_form_reads_too()
    {
        var space = SearchSpace.Parse(Yaml);
        var again = SearchSpace.Parse(space.ToJson());
        Assert.Equal(space.Parameters, again.Parameters);
        var list = SearchSpace.Parse("""{"parameters": [{"name": "x", "type": "float", "low": 0, "high": 1}, {"name": "k", "type": "int", "low": 1, "high": 3}]}""");
        Assert.Equal(["x", "k"], list.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Deit_default_space_matches_the_design_table_and_its_defaults_are_valid()
    {
        var space = SearchSpace.DeitDefault;
        var lr = (FloatDistribution)space["lr"];
        Assert.Equal((1e-5, 1e-2, true), (lr.Low, lr.High, lr.Log));
        Assert.Equal((0, 20), (((IntDistribution)space["warmup_epochs"]).Low, ((IntDistribution)space["warmup_epochs"]).High));
        Assert.Equal(1.5, ((FloatDistribution)space["cutmix_alpha"]).High);
        var defaults = space.Defaults();
        space.Validate(defaults);
        Assert.Equal("hard", defaults["distillation"].Choice);
        Assert.Equal(9, defaults["randaug_magnitude"].Number);
        Assert.False(defaults.ContainsKey("distillation_tau")); // only for soft distillation

        var file = Path.Combine(AppContext.BaseDirectory, "Spaces", "deit.yaml");
        Assert.Equal(space.Parameters, SearchSpace.Load(file).Parameters);
    }

    [Theory]
    [InlineData("x: {type: float, low: 1, high: 1}", "x", "below high")]
    [InlineData("x: {type: float, low: 2, high: 1}", "x", "below high")]
    [InlineData("x: {type: float, low: 0, high: 1, log: true}", "x", "low > 0")]
    [InlineData("x: {type: int, low: -3, high: 10, log: true}", "x", "low > 0")]
    [InlineData("x: {type: float, low: 0, high: 1, step: 0}", "x", "step must be > 0")]
    [InlineData("x: {type: float, low: 0, high: 1, step: -0.1}", "x", "step must be > 0")]
    [InlineData("x: {type: int, low: 0, high: 10, step: 0}", "x", "step must be > 0")]
    [InlineData("x: {type: categorical, choices: []}", "x", "choices is empty")]
    [InlineData("x: {type: gaussian, low: 0, high: 1}", "x", "unknown type 'gaussian'")]
    [InlineData("x: {type: float, low: 0, high: 1, default: 2}", "x", "outside its domain")]
    [InlineData("x: {type: int, low: 0, high: 10, step: 5, default: 3}", "x", "outside its domain")]
    [InlineData("x: {type: categorical, choices: [a, b], default: c}", "x", "outside its domain")]
    [InlineData("x: {type: float, low: 0, high: 1, when: {mode: fast}}", "x", "'mode', which is not declared")]
    [InlineData("x: {type: float, low: 0, hihg: 1}", "x", "unknown key 'hihg'")]
    [InlineData("x: {type: int, low: 0.5, high: 3}", "x", "whole number")]
    public void Invalid_parameters_fail_naming_the_parameter_and_the_fix(string line, string parameter, string fragment)
    {
        var e = Assert.Throws<SearchSpaceException>(() => SearchSpace.Parse("parameters:\n  " + line));
        Assert.Equal(parameter, e.Parameter);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Duplicate_names_fail_in_both_shapes()
    {
        var mapping = Assert.Throws<SearchSpaceException>(() => SearchSpace.Parse("parameters:\n  x: {type: float, low: 0, high: 1}\n  x: {type: int, low: 0, high: 3}"));
        Assert.Contains("declared twice", mapping.Message);
        var list = Assert.Throws<SearchSpaceException>(() => SearchSpace.Parse("""{"parameters": [{"name": "x", "type": "float", "low": 0, "high": 1}, {"name": "x", "type": "int", "low": 0, "high": 3}]}"""));
        Assert.Equal("x", list.Parameter);
        Assert.Contains("declared twice", list.Message);
    }

    [Fact]
    public void A_condition_on_a_non_categorical_or_with_an_unknown_value_fails()
    {
        var numeric = Assert.Throws<SearchSpaceException>(() => SearchSpace.Parse(
            "parameters:\n  n: {type: int, low: 0, high: 3}\n  x: {type: float, low: 0, high: 1, when: {n: 2}}"));
        Assert.Contains("categorical", numeric.Message);
        var value = Assert.Throws<SearchSpaceException>(() => SearchSpace.Parse(
            "parameters:\n  m: {type: categorical, choices: [a, b]}\n  x: {type: float, low: 0, high: 1, when: {m: c}}"));
        Assert.Equal("x", value.Parameter);
        Assert.Contains("'c' is not a choice", value.Message);
    }

    [Fact]
    public void Missing_file_and_malformed_text_fail_clearly()
    {
        Assert.Contains("does not exist", Assert.Throws<SearchSpaceException>(() => SearchSpace.Load("/nonexistent/space.yaml")).Message);
        Assert.Contains("'parameters'", Assert.Throws<SearchSpaceException>(() => SearchSpace.Parse("lr: 3")).Message);
        Assert.Contains("not valid YAML", Assert.Throws<SearchSpaceException>(() => SearchSpace.Parse("parameters: {x: [")).Message);
    }

    [Fact]
    public void Active_parameters_follow_the_conditions()
    {
        var space = SearchSpace.Parse(Yaml);
        string[] Active(string mode) => space.ActiveParameters(new Dictionary<string, ParamValue> { ["distillation"] = ParamValue.Of(mode) }).Select(p => p.Name).ToArray();
        Assert.DoesNotContain("alpha", Active("none"));
        Assert.DoesNotContain("tau", Active("hard"));
        Assert.Contains("alpha", Active("hard"));
        Assert.Contains("tau", Active("soft"));
        Assert.DoesNotContain("tau", space.ActiveParameters(new Dictionary<string, ParamValue>()).Select(p => p.Name));
    }

    [Fact]
    public void Validate_checks_presence_conditions_and_domains()
    {
        var space = SearchSpace.Parse(Yaml);
        var ok = new Dictionary<string, ParamValue>
        {
            ["lr"] = ParamValue.Of(1e-3), ["epochs"] = ParamValue.Of(30), ["batch"] = ParamValue.Of(17), ["drop"] = ParamValue.Of(0.15),
            ["distillation"] = ParamValue.Of("hard"), ["alpha"] = ParamValue.Of(0.5),
        };
        space.Validate(ok);
        Assert.Equal("tau", Assert.Throws<SearchSpaceException>(() => space.Validate(new Dictionary<string, ParamValue>(ok) { ["tau"] = ParamValue.Of(1) })).Parameter);
        Assert.Equal("alpha", Assert.Throws<SearchSpaceException>(() => space.Validate(ok.Where(kv => kv.Key != "alpha").ToDictionary())).Parameter);
        Assert.Equal("epochs", Assert.Throws<SearchSpaceException>(() => space.Validate(new Dictionary<string, ParamValue>(ok) { ["epochs"] = ParamValue.Of(35) })).Parameter);
        Assert.Equal("lr", Assert.Throws<SearchSpaceException>(() => space.Validate(new Dictionary<string, ParamValue>(ok) { ["lr"] = ParamValue.Of(0.5) })).Parameter);
        Assert.Equal("zz", Assert.Throws<SearchSpaceException>(() => space.Validate(new Dictionary<string, ParamValue>(ok) { ["zz"] = ParamValue.Of(1) })).Parameter);
    }

    [Fact]
    public void Unit_mapping_gives_grid_values_equal_cells_and_round_trips()
    {
        var ints = new IntDistribution("k", 0, 4);
        var counts = new int[5];
        for (var i = 0; i < 1000; i++) counts[(int)ints.FromUnit((i + 0.5) / 1000)]++;
        Assert.All(counts, c => Assert.Equal(200, c));
        for (var k = 0; k <= 4; k++) Assert.Equal(k, ints.FromUnit(ints.ToUnit(k)));

        var stepped = new FloatDistribution("d", 0, 0.5, Step: 0.05);
        Assert.Equal(0.15, stepped.Snap(0.16), 12);
        Assert.Equal(0.5, stepped.FromUnit(1.0), 12);

        var log = new FloatDistribution("lr", 1e-5, 1e-2, Log: true);
        Assert.Equal(1e-5 * Math.Pow(1e3, 0.5), log.FromUnit(0.5), 12);
        Assert.Equal(0.5, log.ToUnit(log.FromUnit(0.5)), 12);
    }
}
