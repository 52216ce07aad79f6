using DeiT.Tuning.Training.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>torch.optim.SGD with momentum (no dampening, not Nesterov) over DeiT's two groups: weight decay — added
/// to the gradient, as torch's SGD does — on all but the parameters timm exempts (<see cref="DeitOptimizer.IsExemptFromWeightDecay"/>).</summary>
public static class DeitSgd
{
    public static SGD Create(IImageClassifier model, double learningRate, double momentum, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(model.Module.named_parameters().Where(np => np.parameter.requires_grad)
            .Select(np => (np.name, np.parameter)), learningRate, momentum, weightDecay);
    }

    public static SGD Create(IEnumerable<(string Name, Parameter Parameter)> parameters, double learningRate, double momentum, double weightDecay)
    {
        if (learningRate < 0 || double.IsNaN(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be non-negative");
        if (momentum < 0 || momentum >= 1 || double.IsNaN(momentum))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1)");
        if (weightDecay < 0 || double.IsNaN(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be non-negative");
        var all = parameters.ToList();
        var decay = all.Where(p => !DeitOptimizer.IsExemptFromWeightDecay(p.Name, p.Parameter)).Select(p => p.Parameter).ToList();
        var noDecay = all.Where(p => DeitOptimizer.IsExemptFromWeightDecay(p.Name, p.Parameter)).Select(p => p.Parameter).ToList();
        var groups = new List<SGD.ParamGroup>();
        if (decay.Count > 0) groups.Add(new SGD.ParamGroup(decay, learningRate, momentum, 0, weightDecay, false, false));
        if (noDecay.Count > 0) groups.Add(new SGD.ParamGroup(noDecay, learningRate, momentum, 0, 0, false, false));
        return new SGD(groups, learningRate, momentum, 0, weightDecay, false, false);
    }
}
