using DeiT.Tuning.Training.Models;
using TorchSharp.Modules;

namespace DeiT.Tuning.Training.Engine;

/// <summary>The recipe's optimizer at lr = BaseLr × global batch / 512: AdamW (<see cref="DeitOptimizer"/>) or SGD (<see cref="DeitSgd"/>).</summary>
public static class RecipeOptimizer
{
    public static OptimizerHelper Create(IImageClassifier model, DeitRecipe recipe, int globalBatch) => recipe.Optimizer switch
    {
        OptimizerKind.AdamW => DeitOptimizer.Create(model, recipe, globalBatch),
        OptimizerKind.Sgd => DeitSgd.Create(model, DeitOptimizer.ScaledLearningRate(recipe, globalBatch), recipe.Momentum, recipe.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(recipe), recipe.Optimizer, "unknown optimizer"),
    };
}
