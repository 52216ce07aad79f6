using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Trials.Runners;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Grains.Tests;

public sealed class PrecisionParameterTests
{
    [Fact]
    public void A_searched_precision_overrides_the_runners_and_stays_out_of_the_recipe()
    {
        var parameters = new Dictionary<string, ParamSetting> { ["precision"] = new(0, "bf16"), ["lr"] = new(1e-3, null) };
        Assert.Equal(Precision.Bf16, PrecisionParameter.Resolve("fp32", parameters));
        Assert.Equal(["lr"], PrecisionParameter.RecipeOnly(parameters).Keys);
        Assert.Equal(1e-3, RecipeParameters.Apply(new DeitRecipe(), PrecisionParameter.RecipeOnly(parameters)).BaseLr);
    }

    [Fact]
    public void Without_a_searched_precision_the_runners_setting_or_the_device_default_applies()
    {
        Assert.Equal(Precision.Fp16, PrecisionParameter.Resolve("fp16", new Dictionary<string, ParamSetting>()));
        Assert.Null(PrecisionParameter.Resolve(null, new Dictionary<string, ParamSetting>()));
    }

    [Fact]
    public void An_unknown_precision_is_an_error_naming_the_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => PrecisionParameter.Resolve("fp8", new Dictionary<string, ParamSetting>()));
        Assert.Contains("fp32, tf32, bf16, fp16", error.Message);
    }
}
