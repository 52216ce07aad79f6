using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>Puts a model in eval mode under no_grad, and restores its mode on dispose.</summary>
internal sealed class EvaluationMode : IDisposable
{
    private readonly nn.Module _module;
    private readonly bool _wasTraining;
    private readonly IDisposable _noGrad;

    public EvaluationMode(IImageClassifier model)
    {
        _module = model.Module;
        _wasTraining = _module.training;
        _module.eval();
        _noGrad = torch.no_grad();
    }

    public void Dispose()
    {
        _noGrad.Dispose();
        _module.train(_wasTraining);
    }
}
