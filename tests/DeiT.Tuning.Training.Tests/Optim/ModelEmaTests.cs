using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Optim;

public sealed class ModelEmaTests
{
    [Fact]
    public void Update_moves_each_weight_toward_the_model_by_one_minus_decay()
    {
        var model = ModelZoo.Create("convnet_tiny", new ModelOptions { NumClasses = 3, InChannels = 1 });
        using var module = model.Module;
        using var ema = new ModelEma(model, decay: 0.9);
        var before = ema.Model.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using (no_grad())
            foreach (var p in module.parameters()) p.add_(1.0);
        module.train();
        using (no_grad()) model.ForwardTrain(randn(2, 1, 16, 16));   // changes BatchNorm buffers, including the step count
        ema.Update(model);

        var source = module.state_dict();
        foreach (var (name, value) in ema.Model.Module.state_dict())
        {
            var expected = value.is_floating_point() ? before[name] * 0.9 + source[name] * 0.1 : source[name];
            Assert.True(value.allclose(expected, rtol: 1e-6, atol: 1e-6), name);
        }
        Assert.All(ema.Model.Module.parameters(), p => Assert.False(p.requires_grad));
    }
}
