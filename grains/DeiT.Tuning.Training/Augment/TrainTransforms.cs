using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Training.Augment;

/// <summary>The per-image training transform of a recipe on a dataset (timm/DeiT create_transform, is_training).</summary>
public static class TrainTransforms
{
    /// <summary>Images up to this side get random-crop-with-padding (CIFAR/MNIST style); larger get RandomResizedCrop.</summary>
    public const int SmallImageMaxSide = 64;
    public const int SmallImagePadding = 4;

    /// <summary>crop/flip → RandAugment (n = RandAugOps, m = RandAugMagnitude, std) → to float and normalize → random erasing.
    /// Streamed sets crop the original (timm's RandomResizedCrop, bicubic); in-memory sets crop their stored images.</summary>
    public static TransformPipeline ForRecipe(DeitRecipe recipe, IImageSet data)
    {
        var pixelSteps = new List<IPixelAugmentation>();
        bool small = Math.Max(data.Height, data.Width) <= SmallImageMaxSide;
        IOriginalCrop? originalCrop = data is IOriginalImageSet ? small ? new ResizeCenterCrop(cropPct: 1.0) : new RandomResizedCropOfOriginal() : null;
        if (small)
            pixelSteps.Add(new RandomCropWithPadding(SmallImagePadding));
        else if (originalCrop is null)
            pixelSteps.Add(new RandomResizedCrop());
        pixelSteps.Add(new RandomHorizontalFlip());
        if (PolicyAugmentation(recipe, data) is { } policy) pixelSteps.Add(policy);
        var tensorSteps = new List<ITensorAugmentation>();
        if (recipe.ErasingProb > 0) tensorSteps.Add(new RandomErasing(recipe.ErasingProb));
        return new TransformPipeline(pixelSteps, data.Normalization, tensorSteps) { OriginalCrop = originalCrop };
    }

    /// <summary>RandAugment (none at 0 ops) or AutoAugment in its place, resampling bicubically (DeiT's train_interpolation).</summary>
    public static IPixelAugmentation? PolicyAugmentation(DeitRecipe recipe, IImageSet data) => recipe.Augmentation switch
    {
        AugmentationPolicy.AutoAugment => new AutoAugment(data.Normalization.MeanPixel(), PilResampling.Bicubic),
        _ when recipe.RandAugOps > 0 => new RandAugment(recipe.RandAugOps, recipe.RandAugMagnitude, recipe.RandAugMagnitudeStd,
            data.Normalization.MeanPixel(), resampling: PilResampling.Bicubic),
        _ => null,
    };
}
