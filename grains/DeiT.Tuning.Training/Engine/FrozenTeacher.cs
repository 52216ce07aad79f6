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
        var teacher = ModelIo.LoadFrozen(modelName, options with { DropPath = 0 }, weightsPath);
        teacher.Module.to(device);
        return teacher;
    }
}
