namespace DeiT.Tuning.Training.Engine;

/// <summary>A recipe value that cannot train: the field (a <see cref="DeitRecipe"/> property name) and why.</summary>
public sealed record RecipeProblem(string Field, object? Value, string Requirement)
{
    public override string ToString() => $"Recipe field {Field} = {Value?.ToString() ?? "null"} is invalid: it must be {Requirement}.";
}

/// <summary>Rejects a recipe whose values cannot train, naming the field and its valid range.</summary>
public static class RecipeValidation
{
    public static void ThrowIfInvalid(DeitRecipe recipe)
    {
        if (Problems(recipe).FirstOrDefault() is { } problem)
            throw new ArgumentException(problem.ToString());
    }

    public static IEnumerable<RecipeProblem> Problems(DeitRecipe r)
    {
        var checks = new (bool Valid, string Field, object? Value, string Requirement)[]
        {
            (r.Epochs >= 1, nameof(r.Epochs), r.Epochs, "at least 1"),
            (r.BatchSize >= 1, nameof(r.BatchSize), r.BatchSize, "at least 1"),
            (r.BaseLr > 0, nameof(r.BaseLr), r.BaseLr, "positive"),
            (r.MinLr >= 0, nameof(r.MinLr), r.MinLr, "0 or more"),
            (r.WarmupLr >= 0, nameof(r.WarmupLr), r.WarmupLr, "0 or more"),
            (r.WarmupEpochs >= 0, nameof(r.WarmupEpochs), r.WarmupEpochs, "0 or more"),
            (r.WeightDecay >= 0, nameof(r.WeightDecay), r.WeightDecay, "0 or more"),
            (r.ClipGrad is null or > 0, nameof(r.ClipGrad), r.ClipGrad, "positive, or unset for no clipping"),
            (r.EmaDecay is null or (> 0 and < 1), nameof(r.EmaDecay), r.EmaDecay, "in (0, 1), or unset for no EMA"),
            (r.LabelSmoothing is >= 0 and < 1, nameof(r.LabelSmoothing), r.LabelSmoothing, "in [0, 1)"),
            (r.RandAugOps >= 0, nameof(r.RandAugOps), r.RandAugOps, "0 or more"),
            (r.RandAugMagnitude is >= 0 and <= 30, nameof(r.RandAugMagnitude), r.RandAugMagnitude, "in [0, 30]"),
            (r.RandAugMagnitudeStd >= 0, nameof(r.RandAugMagnitudeStd), r.RandAugMagnitudeStd, "0 or more"),
            (r.MixupAlpha >= 0, nameof(r.MixupAlpha), r.MixupAlpha, "0 (off) or more"),
            (r.CutmixAlpha >= 0, nameof(r.CutmixAlpha), r.CutmixAlpha, "0 (off) or more"),
            (r.MixupProb is >= 0 and <= 1, nameof(r.MixupProb), r.MixupProb, "in [0, 1]"),
            (r.MixupSwitchProb is >= 0 and <= 1, nameof(r.MixupSwitchProb), r.MixupSwitchProb, "in [0, 1]"),
            (r.ErasingProb is >= 0 and <= 1, nameof(r.ErasingProb), r.ErasingProb, "in [0, 1]"),
            (r.DropPath is >= 0 and < 1, nameof(r.DropPath), r.DropPath, "in [0, 1)"),
            (r.RepeatedAugmentation >= 1, nameof(r.RepeatedAugmentation), r.RepeatedAugmentation, "at least 1"),
            (r.DistillationAlpha is >= 0 and <= 1, nameof(r.DistillationAlpha), r.DistillationAlpha, "in [0, 1]"),
            (r.DistillationTau > 0, nameof(r.DistillationTau), r.DistillationTau, "positive"),
            (Enum.IsDefined(r.Augmentation), nameof(r.Augmentation), r.Augmentation, "RandAugment or AutoAugment"),
            (Enum.IsDefined(r.Optimizer), nameof(r.Optimizer), r.Optimizer, "AdamW or Sgd"),
            (r.Momentum is >= 0 and < 1, nameof(r.Momentum), r.Momentum, "in [0, 1)"),
            // timm's Mixup (batch mode) pairs image i with image B-1-i and asserts an even batch.
            (r.BatchSize % 2 == 0 || (r.MixupAlpha == 0 && r.CutmixAlpha == 0), nameof(r.BatchSize), r.BatchSize,
                "even while Mixup/CutMix is on"),
        };
        return checks.Where(c => !c.Valid).Select(c => new RecipeProblem(c.Field, c.Value, c.Requirement));
    }
}
