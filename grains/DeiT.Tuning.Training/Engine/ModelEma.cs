using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>Exponential moving average of a model's weights (timm ModelEmaV2): after each step every floating
/// parameter and buffer becomes decay·ema + (1−decay)·model; integer buffers are copied.</summary>
public sealed class ModelEma : IDisposable
{
    public ModelEma(IImageClassifier model, double decay)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (decay is < 0 or > 1 || double.IsNaN(decay))
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "EMA decay must be in [0, 1]");
        Decay = decay;
        Model = ModelZoo.Create(model.PresetName, model.Options);
        var device = model.Module.parameters().FirstOrDefault()?.device;
        if (device is not null) Model.Module.to(device);
        foreach (var p in Model.Module.parameters()) p.requires_grad = false;
        Model.Module.eval();
        CopyFrom(model);
    }

    public double Decay { get; }
    /// <summary>The averaged model (evaluation mode, no gradients).</summary>
    public IImageClassifier Model { get; }

    public void Update(IImageClassifier model)
    {
        using var _ = no_grad();
        var source = model.Module.state_dict();
        foreach (var (name, ema) in Model.Module.state_dict())
        {
            var value = source[name];
            if (ema.is_floating_point()) ema.mul_(Decay).add_(value, alpha: 1 - Decay);
            else ema.copy_(value);
        }
    }

    public void CopyFrom(IImageClassifier model)
    {
        using var _ = no_grad();
        var source = model.Module.state_dict();
        foreach (var (name, ema) in Model.Module.state_dict()) ema.copy_(source[name]);
    }

    public void Dispose() => Model.Module.Dispose();
}
