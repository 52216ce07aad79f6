using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Models;

/// <summary>Every classifier the engine trains (DeiT plain/distilled and the ConvNet teachers).</summary>
public interface IImageClassifier
{
    string PresetName { get; }
    /// <summary>The options the model was built with (ModelZoo.Create(PresetName, Options) builds a twin).</summary>
    ModelOptions Options { get; }
    /// <summary>Input height = width the model was built for (ModelOptions.ImageSize or the preset's).</summary>
    int ImageSize { get; }
    bool HasDistillationHead { get; }
    /// <summary>Training forward: (class-token logits, distillation-token logits or null).</summary>
    (Tensor Cls, Tensor? Dist) ForwardTrain(Tensor images);
    /// <summary>Evaluation forward: logits (mean of both heads for distilled models).</summary>
    Tensor ForwardEval(Tensor images);
    /// <summary>The module itself, for parameters(), to(), train()/eval(), state_dict.</summary>
    nn.Module Module { get; }
    /// <summary>2 per multiply-add of every Linear, Conv and attention product, for one image.</summary>
    long ForwardFlopsPerImage { get; }
}
