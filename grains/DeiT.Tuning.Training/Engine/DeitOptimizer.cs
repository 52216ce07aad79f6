using DeiT.Tuning.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>DeiT's AdamW (β 0.9/0.999, ε 1e-8) with two groups: weight decay on matrices and convolution kernels;
/// none on 1-D parameters (biases, norms), biases, and the position embedding and prefix tokens. The model must be on
/// its final device: the optimizer packs each group's parameters into one flat buffer (<see cref="FlatAdamW"/>).</summary>
public static class DeitOptimizer
{
    public const double Beta1 = 0.9;
    public const double Beta2 = 0.999;
    public const double Eps = 1e-8;

    static readonly HashSet<string> NoWeightDecayNames = ["pos_embed", "cls_token", "dist_token"];

    /// <summary>The recipe's optimizer at lr = BaseLr × global batch / 512.</summary>
    public static FlatAdamW Create(IImageClassifier model, DeitRecipe recipe, int globalBatch) =>
        Create(model, ScaledLearningRate(recipe, globalBatch), recipe.WeightDecay);

    public static FlatAdamW Create(IImageClassifier model, double learningRate, double weightDecay) =>
        new(Groups(model, learningRate, weightDecay), learningRate, Beta1, Beta2, Eps, weightDecay);

    /// <summary>TorchSharp's own AdamW over the same groups (a few kernels per parameter): what FlatAdamW is
    /// benchmarked against.</summary>
    public static AdamW CreatePerParameter(IImageClassifier model, double learningRate, double weightDecay) =>
        new(Groups(model, learningRate, weightDecay), learningRate, Beta1, Beta2, Eps, weightDecay);

    static List<AdamW.ParamGroup> Groups(IImageClassifier model, double learningRate, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (learningRate < 0 || double.IsNaN(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be non-negative");
        if (weightDecay < 0 || double.IsNaN(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be non-negative");
        var trainable = model.Module.named_parameters().Where(np => np.parameter.requires_grad).ToList();
        var decay = trainable.Where(np => !IsExemptFromWeightDecay(np.name, np.parameter)).Select(np => np.parameter).ToList();
        var noDecay = trainable.Where(np => IsExemptFromWeightDecay(np.name, np.parameter)).Select(np => np.parameter).ToList();
        var groups = new List<AdamW.ParamGroup>();
        if (decay.Count > 0) groups.Add(new AdamW.ParamGroup(decay, learningRate, Beta1, Beta2, Eps, weightDecay));
        if (noDecay.Count > 0) groups.Add(new AdamW.ParamGroup(noDecay, learningRate, Beta1, Beta2, Eps, 0.0));
        return groups;
    }

    /// <summary>timm's rule: 1-D parameters, biases, and the model's no_weight_decay names.</summary>
    public static bool IsExemptFromWeightDecay(string name, Tensor parameter) =>
        parameter.dim() <= 1 || name.EndsWith(".bias", StringComparison.Ordinal) || NoWeightDecayNames.Contains(name);

    public static double ScaledLearningRate(DeitRecipe recipe, int globalBatch)
    {
        if (globalBatch <= 0) throw new ArgumentOutOfRangeException(nameof(globalBatch), globalBatch, "global batch size must be positive");
        return recipe.BaseLr * globalBatch / 512.0;
    }

    public static void SetLearningRate(torch.optim.Optimizer optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
    }
}
