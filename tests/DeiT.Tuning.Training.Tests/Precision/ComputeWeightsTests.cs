using DeiT.Tuning.Training.Benchmarks;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Layers;
using DeiT.Tuning.Training.Losses;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Precision;

/// <summary>Mixed-precision steps with the weights' compute copies (one cast per optimizer group) against steps that
/// cast every weight where it is used: the same losses, master gradients and updated weights, bit for bit, over
/// several steps, with fewer tensors created per forward.</summary>
public sealed class ComputeWeightsTests
{
    sealed record Run(List<float> Losses, Dictionary<string, Tensor> Gradients, Dictionary<string, Tensor> Weights, long ForwardTensors);

    // Nothing here draws from torch's global generator, which tests running in parallel share: the weights and
    // inputs are fixed functions of their position, and there is no drop path.
    static Tensor Fixed(long[] shape, double frequency) =>
        arange(shape.Aggregate(1L, (a, b) => a * b), dtype: float32).mul_(frequency).sin_().mul_(0.05).reshape(shape);

    static Run Train(ScalarType type, bool copies, bool lossScaling = false)
    {
        var model = ModelZoo.Create("deit_micro_distilled_patch4_28", new ModelOptions { NumClasses = 4, InChannels = 1, DropPath = 0 });
        using var module = model.Module;
        using (no_grad())
        {
            var k = 0;
            foreach (var p in module.parameters()) p.copy_(Fixed(p.shape, 0.37 + 0.01 * k++));
        }
        module.train();
        using var optimizer = DeitOptimizer.Create(model, 1e-3, 0.05);
        using var weights = copies ? new ComputeWeights(optimizer, type) : null;
        var scaler = lossScaling ? new DynamicLossScaler() : null;
        var loss = new DistillationLoss(DistillationType.Hard, 0.5, 1.0);
        var images = Fixed([3, 1, 28, 28], 0.11).mul_(20);
        var target = nn.functional.one_hot(tensor(new long[] { 0, 2, 3 }), 4).to(float32);
        var teacher = Fixed([3, 4], 0.7);
        var losses = new List<float>();
        long forwardTensors = 0;
        for (var step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            weights?.Refresh();
            var before = TrainStepProfiler.TensorsCreated();
            Tensor cls;
            Tensor? dist;
            using (Autocast.Enter(type, weights?.Copies)) (cls, dist) = model.ForwardTrain(images);
            forwardTensors = TrainStepProfiler.TensorsCreated() - before;
            var value = loss.Compute(cls.to(float32), dist!.to(float32), target, teacher);
            losses.Add(value.item<float>());
            if (scaler is null)
            {
                value.backward();
                weights?.AddGradients();
            }
            else Assert.True(scaler.Backward(value, optimizer.AllFlatGradients, weights is null ? null : weights.AddGradients));
            if (step < 2) optimizer.step();
        }
        return new Run(losses,
            module.named_parameters().ToDictionary(np => np.name, np => np.parameter.grad!.clone()),
            module.named_parameters().ToDictionary(np => np.name, np => np.parameter.detach().clone()),
            forwardTensors);
    }

    [Theory]
    [InlineData(ScalarType.BFloat16, false)]
    [InlineData(ScalarType.Float16, true)]
    public void Steps_with_compute_copies_equal_steps_that_cast_each_weight_bit_for_bit(ScalarType type, bool lossScaling)
    {
        var cast = Train(type, copies: false, lossScaling);
        var copied = Train(type, copies: true, lossScaling);
        Assert.Equal(cast.Losses, copied.Losses);
        foreach (var (name, gradient) in cast.Gradients)
        {
            Assert.True(gradient.abs().sum().item<float>() > 0, $"{name} got no gradient");
            Assert.True(gradient.equal(copied.Gradients[name]).all().item<bool>(), $"gradient of {name} differs");
            Assert.True(cast.Weights[name].equal(copied.Weights[name]).all().item<bool>(), $"weights of {name} differ");
        }
        // Two handles fewer (weight and bias casts) for each of the 6 blocks' 4 linears, the patch convolution and both heads.
        Assert.Equal(cast.ForwardTensors - 2 * (6 * 4 + 3), copied.ForwardTensors);
    }
}
