using DeiT.Tuning.Training.Augment;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Training.Tests.Engine;

/// <summary>Each value an ablation row uses to remove an ingredient really removes it (DeiT Table 8).</summary>
public class AblationSwitchTests
{
    private static readonly ImageDataset Small = new("small", 1, 28, 28, new byte[28 * 28], [0], ["only"], Normalization.FashionMnist);

    private static IReadOnlyList<string> Steps(DeitRecipe recipe) => TrainTransforms.ForRecipe(recipe, Small).StepNames;

    [Fact]
    public void The_full_recipe_has_randaugment_and_erasing()
    {
        var steps = Steps(new DeitRecipe());
        Assert.Contains(steps, s => s.StartsWith("RandAugment", StringComparison.Ordinal));
        Assert.Contains(steps, s => s.StartsWith("RandomErasing", StringComparison.Ordinal));
    }

    [Fact]
    public void Zero_randaugment_ops_removes_randaugment_and_adds_nothing_in_its_place()
    {
        var steps = Steps(new DeitRecipe { RandAugOps = 0 });
        Assert.DoesNotContain(steps, s => s.Contains("Augment(", StringComparison.Ordinal));
    }

    [Fact]
    public void AutoAugment_replaces_randaugment()
    {
        var steps = Steps(new DeitRecipe { Augmentation = AugmentationPolicy.AutoAugment });
        Assert.Contains(steps, s => s.StartsWith("AutoAugment(original", StringComparison.Ordinal));
        Assert.DoesNotContain(steps, s => s.StartsWith("RandAugment", StringComparison.Ordinal));
    }

    [Fact]
    public void Zero_erasing_probability_removes_random_erasing()
    {
        Assert.DoesNotContain(Steps(new DeitRecipe { ErasingProb = 0 }), s => s.StartsWith("RandomErasing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.0, 1.0, true)]
    [InlineData(0.8, 0.0, true)]
    [InlineData(0.0, 0.0, false)]
    public void Mixup_and_cutmix_switch_off_separately(double mixup, double cutmix, bool enabled)
    {
        var mixer = new MixupCutmix(mixup, cutmix, 1.0, 0.5, 0.1, 10);
        Assert.Equal(enabled, mixer.Enabled);
        if (!enabled) return;
        // With one of the two off, every batch draws the other: the switch probability no longer matters.
        var rng = new Random(1);
        for (int i = 0; i < 50; i++)
        {
            var draw = mixer.Sample(rng, 28, 28);
            if (draw.Lambda < 1.0) Assert.Equal(mixup == 0, draw.UseCutmix);
        }
    }

    [Fact]
    public void Zero_warmup_starts_at_the_base_rate()
    {
        var schedule = CosineSchedule.ForRecipe(new DeitRecipe { WarmupEpochs = 0, Epochs = 10 }, 512);
        Assert.Equal(5e-4, schedule.LearningRate(0), 12);
    }

    [Fact]
    public void Zero_drop_path_gives_zero_rates_in_every_block()
    {
        Assert.All(DropPathRates.Linear(0.0, 12), r => Assert.Equal(0.0, r));
    }
}
