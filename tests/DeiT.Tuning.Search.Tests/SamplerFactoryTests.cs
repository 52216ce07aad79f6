using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Samplers;

namespace DeiT.Tuning.Search.Tests;

/// <summary>Sampler specs: a name or alias, and Optuna-style settings that the named sampler uses.</summary>
public class SamplerFactoryTests
{
    private static readonly SearchSpace Line = new([new FloatDistribution("x", 0, 1)]);

    /// <summary>Five trials of f(x) = x, the best at x = 0.05.</summary>
    private static readonly List<FrozenTrial> History =
        [.. new[] { 0.9, 0.8, 0.7, 0.6, 0.05 }.Select((x, i) => Trials.Complete(i, new Dictionary<string, ParamValue> { ["x"] = ParamValue.Of(x) }, x))];

    private static double MedianSuggestion(string spec) =>
        Statistics.Median(Enumerable.Range(0, 200)
            .Select(seed => SamplerFactory.Create(spec, seed).Suggest(Line, History, StudyDirection.Minimize)["x"].Number)
            .ToList());

    [Fact]
    public void Startup_trials_decide_when_tpe_leaves_random_sampling()
    {
        Assert.Equal(3, ((TpeSampler)SamplerFactory.Create("tpe:n_startup_trials=3", 0)).StartupTrials);
        Assert.InRange(MedianSuggestion("tpe"), 0.4, 0.6); // 5 < 10 startup trials: uniform
        Assert.InRange(MedianSuggestion("tpe:n_startup_trials=3"), 0, 0.3); // the model: near the best trial
        Assert.Equal(2, ((GpSampler)SamplerFactory.Create("gp:n_startup_trials=2", 0)).StartupTrials(Line));
    }

    [Fact]
    public void Settings_in_the_spec_override_the_defaults_passed_in()
    {
        var sampler = (TpeSampler)SamplerFactory.Create("TPE: startup_trials = 7", 0, new SamplerOptions { StartupTrials = 4 });
        Assert.Equal(7, sampler.StartupTrials);
        Assert.Equal(4, ((TpeSampler)SamplerFactory.Create("tpe", 0, new SamplerOptions { StartupTrials = 4 })).StartupTrials);
    }

    [Theory]
    [InlineData("qmc", "sobol")]
    [InlineData("mtpe", "tpe-multivariate")]
    [InlineData("CMA-ES", "cmaes")]
    [InlineData("auto:startup_trials=4,constant_liar=false", "auto")]
    [InlineData("tpe-multivariate:prior_weight=2.5,n_ei_candidates=48,constant_liar=true", "tpe-multivariate")]
    public void Names_aliases_and_settings_build_samplers(string spec, string name) =>
        Assert.Equal(name, SamplerFactory.Create(spec, 0).Name);

    [Theory]
    [InlineData("nope", "unknown sampler 'nope'; use one of random, sobol")]
    [InlineData("nope:startup_trials=1", "unknown sampler 'nope'")]
    [InlineData("random:startup_trials=3", "sampler 'random' has no settings")]
    [InlineData("gp:n_ei_candidates=4", "sampler 'gp' has no setting 'n_ei_candidates'; use n_startup_trials, constant_liar")]
    [InlineData("tpe:startup_trials=-1", "'startup_trials' is '-1'; give a whole number ≥ 0")]
    [InlineData("tpe:n_ei_candidates=0", "give a whole number ≥ 1")]
    [InlineData("tpe:prior_weight=0", "'prior_weight' is '0'; give a positive number")]
    [InlineData("tpe:constant_liar=maybe", "give true or false")]
    [InlineData("tpe:startup_trials", "sampler setting 'startup_trials' must be key=value")]
    public void Bad_specs_fail_naming_what_to_fix(string spec, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => SamplerFactory.Create(spec, 0)).Message);
}
