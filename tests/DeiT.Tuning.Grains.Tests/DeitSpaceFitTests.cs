using DeiT.Tuning.Grains.Studies;
using DeiT.Tuning.Grains.Trials.Runners;
using DeiT.Tuning.Search.Distributions;

namespace DeiT.Tuning.Grains.Tests;

public sealed class DeitSpaceFitTests
{
    [Fact]
    public void Warmup_is_capped_below_the_trials_epochs_and_its_default_follows()
    {
        var space = SearchSpace.Parse("parameters: {warmup_epochs: {type: int, low: 0, high: 20, default: 5}, lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}}");

        var fit = DeitSpaceFit.Fit(space, epochs: 4);

        var warmup = (NumericDistribution)fit.Space["warmup_epochs"];
        Assert.Equal((0.0, 3.0), (warmup.Low, warmup.High));
        Assert.Equal(3.0, warmup.Default!.Value.Number);
        Assert.Equal(space["lr"], fit.Space["lr"]);
        Assert.Contains(fit.Warnings, w => w.Contains("'warmup_epochs' [0, 20] capped to [0, 3]") && w.Contains("4 epochs"));
    }

    [Fact]
    public void Warmup_is_dropped_when_one_epoch_trials_leave_no_room_and_the_base_recipe_has_none()
    {
        var space = SearchSpace.Parse("parameters: {warmup_epochs: {type: int, low: 1, high: 5}, drop_path: {type: float, low: 0.0, high: 0.2}}");

        var fit = DeitSpaceFit.Fit(space, epochs: 1);

        Assert.False(fit.Space.Contains("warmup_epochs"));
        Assert.Contains(fit.Warnings, w => w.Contains("'warmup_epochs'") && w.Contains("dropped"));
        Assert.Equal(0, RecipeParameters.Base(epochs: 1, batchSize: 64, repeatedAugmentation: 1).WarmupEpochs);
        Assert.Equal(3, RecipeParameters.Base(epochs: 4, batchSize: 64, repeatedAugmentation: 1).WarmupEpochs);
        Assert.Equal(5, RecipeParameters.Base(epochs: 300, batchSize: 64, repeatedAugmentation: 1).WarmupEpochs);
    }

    [Fact]
    public void RandAugment_magnitudes_above_ten_are_a_dead_range()
    {
        var space = SearchSpace.Parse("parameters: {randaug_magnitude: {type: int, low: 0, high: 15, default: 12}}");

        var fit = DeitSpaceFit.Fit(space, epochs: 300);

        var magnitude = (NumericDistribution)fit.Space["randaug_magnitude"];
        Assert.Equal(10.0, magnitude.High);
        Assert.Equal(10.0, magnitude.Default!.Value.Number);
        Assert.Single(fit.Warnings);
    }

    [Fact]
    public void The_shipped_deit_space_needs_no_fitting_for_long_runs()
    {
        var fit = DeitSpaceFit.Fit(SearchSpace.DeitDefault, epochs: 300);

        Assert.Empty(fit.Warnings);
        Assert.Same(SearchSpace.DeitDefault, fit.Space);
    }

    [Theory]
    [InlineData("erasing_prob", "1.5", "≤ 1")]
    [InlineData("drop_path", "1.0", "< 1")]
    [InlineData("label_smoothing", "1.0", "< 1")]
    public void Ranges_the_trainer_cannot_use_are_refused_naming_the_parameter(string name, string high, string fix)
    {
        var space = SearchSpace.Parse($"parameters: {{{name}: {{type: float, low: 0.0, high: {high}}}}}");

        var error = Assert.Throws<ArgumentException>(() => DeitSpaceFit.Fit(space, epochs: 10));

        Assert.Contains($"'{name}'", error.Message);
        Assert.Contains(fix, error.Message);
    }
}
