using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>Loads a trained classifier as a distillation teacher: eval mode, no parameter requires grad.</summary>
public static class FrozenTeacher
{
    public static IImageClassifier Load(string modelName, string weightsPath, ModelOptions options, Device device)
    {
        if (!File.Exists(weightsPath))
            throw new FileNotFoundException($"Teacher weights '{weightsPath}' do not exist; train one with `deit-tune teacher train --out {weightsPath}`.", weightsPath);
        var teacher = ModelZoo.Create(modelName, options with { DropPath = 0 });
        ModelIo.Load(teacher, weightsPath);
        teacher.Module.to(device);
        teacher.Module.eval();
        foreach (var parameter in teacher.Module.parameters())
            parameter.requires_grad = false;
        return teacher;
    }
}
