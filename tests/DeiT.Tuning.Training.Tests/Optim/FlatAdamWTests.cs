using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Models;
using DeiT.Tuning.Training.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Optim;

public sealed class FlatAdamWTests
{
    private const string Preset = "deit_micro_distilled_patch4_28";
    private static readonly ModelOptions Options = new() { NumClasses = 10, InChannels = 1 };

    /// <summary>Deterministic images that draw nothing from torch's global generator (tests run in parallel).</summary>
    private static Tensor Images(int phase) =>
        arange(4 * 28 * 28, dtype: float32).mul_(0.37).add_(phase).sin_().reshape(4, 1, 28, 28);

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static IImageClassifier CopyOf(IImageClassifier model)
    {
        var copy = ModelZoo.Create(model.PresetName, model.Options);
        using var _ = no_grad();
        var source = model.Module.state_dict();
        foreach (var (name, target) in copy.Module.state_dict()) target.copy_(source[name]);
        return copy;
    }

    private static void Backward(IImageClassifier model, int phase)
    {
        using var scope = NewDisposeScope();
        model.ForwardEval(Images(phase)).pow(2).mean().backward();   // both heads, so every parameter gets a gradient
    }

    private static void TrainStep(IImageClassifier model, torch.optim.Optimizer optimizer, int phase)
    {
        optimizer.zero_grad();
        Backward(model, phase);
        optimizer.step();
    }

    /// <summary>TorchSharp's own per-parameter AdamW over the same two groups as <see cref="DeitOptimizer"/>.</summary>
    private static AdamW ReferenceAdamW(IImageClassifier model, double lr, double weightDecay)
    {
        var named = model.Module.named_parameters().ToList();
        var decay = named.Where(np => !DeitOptimizer.IsExemptFromWeightDecay(np.name, np.parameter)).Select(np => np.parameter);
        var noDecay = named.Where(np => DeitOptimizer.IsExemptFromWeightDecay(np.name, np.parameter)).Select(np => np.parameter);
        return new AdamW(
        [
            new AdamW.ParamGroup(decay, lr, DeitOptimizer.Beta1, DeitOptimizer.Beta2, DeitOptimizer.Eps, weightDecay),
            new AdamW.ParamGroup(noDecay, lr, DeitOptimizer.Beta1, DeitOptimizer.Beta2, DeitOptimizer.Eps, 0.0),
        ], lr, DeitOptimizer.Beta1, DeitOptimizer.Beta2, DeitOptimizer.Eps, weightDecay);
    }

    /// <summary>Every parameter (and its gradient) is a view of its group's flat buffer: the values match slice by
    /// slice, and a change to the flat buffer shows through the parameter.</summary>
    private static void AssertAliased(FlatAdamW optimizer)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var groups = optimizer.ParamGroups.Cast<TorchSharp.Modules.ParamGroup>().ToList();
        for (var g = 0; g < groups.Count; g++)
        {
            var flat = optimizer.FlatParameters(g);
            var flatGrad = optimizer.FlatGradients(g);
            var parameters = groups[g].Parameters.ToList();
            Assert.Equal(flat.numel(), parameters.Sum(p => p.numel()));
            var before = parameters.Select(p => p.clone()).ToList();
            var gradsBefore = parameters.Select(p => p.grad!.clone()).ToList();
            flat.mul_(2);
            flatGrad.add_(1);
            for (var i = 0; i < parameters.Count; i++)
            {
                Assert.True(Same(parameters[i], before[i] * 2), $"group {g} parameter {i} does not alias the flat buffer");
                Assert.True(Same(parameters[i].grad!, gradsBefore[i] + 1), $"group {g} gradient {i} does not alias the flat gradient buffer");
            }
            flat.div_(2);
            flatGrad.sub_(1);
            Assert.True(Same(torch.cat(parameters.Select(p => p.flatten()).ToList()), flat));
        }
    }

    [Fact]
    public void Several_steps_with_changing_learning_rate_equal_torchsharps_adamw()
    {
        var model = ModelZoo.Create(Preset, Options);
        var reference = CopyOf(model);
        using var flat = DeitOptimizer.Create(model, 1e-3, 0.05);
        using var adamw = ReferenceAdamW(reference, 1e-3, 0.05);
        double[] rates = [1e-3, 3e-3, 5e-4, 2e-3];
        for (var step = 0; step < rates.Length; step++)
        {
            DeitOptimizer.SetLearningRate(flat, rates[step]);
            DeitOptimizer.SetLearningRate(adamw, rates[step]);
            TrainStep(model, flat, step);
            TrainStep(reference, adamw, step);
        }

        var expected = reference.Module.named_parameters().ToDictionary(np => np.name, np => np.parameter);
        foreach (var (name, parameter) in model.Module.named_parameters())
            TensorAssert.Close(parameter, expected[name], name, 1e-6);
        var states = flat.state_dict().State.Cast<AdamW.State>().ToList();
        var referenceStates = adamw.state_dict().State.Cast<AdamW.State>().ToList();
        Assert.Equal(referenceStates.Count, states.Count);
        for (var i = 0; i < states.Count; i++)
        {
            Assert.Equal(rates.Length, states[i].step);
            TensorAssert.Close(states[i].exp_avg, referenceStates[i].exp_avg, $"exp_avg {i}", 1e-6);
            TensorAssert.Close(states[i].exp_avg_sq, referenceStates[i].exp_avg_sq, $"exp_avg_sq {i}", 1e-6);
        }
        AssertAliased(flat);
    }

    [Fact]
    public void Zero_learning_rate_leaves_the_weights_and_a_new_rate_moves_them()
    {
        var model = ModelZoo.Create(Preset, Options);
        using var optimizer = DeitOptimizer.Create(model, 1e-3, 0.05);
        var before = model.Module.parameters().Select(p => p.detach().clone()).ToList();
        DeitOptimizer.SetLearningRate(optimizer, 0);
        TrainStep(model, optimizer, 0);
        Assert.All(model.Module.parameters().Zip(before), pair => Assert.True(Same(pair.First, pair.Second)));
        DeitOptimizer.SetLearningRate(optimizer, 1e-3);
        TrainStep(model, optimizer, 1);
        Assert.All(model.Module.parameters().Zip(before), pair => Assert.False(Same(pair.First, pair.Second)));
    }

    [Fact]
    public void Backward_accumulates_into_the_flat_gradient_buffer_and_zero_grad_zeroes_it()
    {
        var model = ModelZoo.Create(Preset, Options);
        using var optimizer = DeitOptimizer.Create(model, 1e-3, 0.05);
        optimizer.zero_grad();
        Backward(model, 0);
        var once = Enumerable.Range(0, 2).Select(g => optimizer.FlatGradients(g).clone()).ToList();
        Assert.All(once, g => Assert.True(g.abs().sum().item<float>() > 0));
        Backward(model, 0);
        for (var g = 0; g < 2; g++) Assert.True(Same(optimizer.FlatGradients(g), once[g] * 2), $"group {g} did not accumulate in place");
        AssertAliased(optimizer);

        optimizer.zero_grad();
        for (var g = 0; g < 2; g++) Assert.Equal(0, optimizer.FlatGradients(g).count_nonzero().item<long>());
        Assert.All(model.Module.parameters(), p => Assert.Equal(0, p.grad!.count_nonzero().item<long>()));
        AssertAliased(optimizer);
    }

    [Fact]
    public void Checkpoint_round_trip_into_a_fresh_model_and_optimizer_gives_the_same_next_step()
    {
        var model = ModelZoo.Create(Preset, Options);
        using var optimizer = DeitOptimizer.Create(model, 1e-3, 0.05);
        for (var step = 0; step < 2; step++) TrainStep(model, optimizer, step);
        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            model.Module.save(writer);
            optimizer.save_state_dict(writer);
        }

        var fresh = ModelZoo.Create(Preset, Options);
        using var freshOptimizer = DeitOptimizer.Create(fresh, 1e-3, 0.05);
        saved.Position = 0;
        using (var reader = new BinaryReader(saved))
        {
            fresh.Module.load(reader, strict: true);
            freshOptimizer.load_state_dict(reader);
        }
        AssertAliased(freshOptimizer);
        for (var g = 0; g < 2; g++) Assert.True(Same(freshOptimizer.FlatParameters(g), optimizer.FlatParameters(g)));

        TrainStep(model, optimizer, 2);
        TrainStep(fresh, freshOptimizer, 2);
        for (var g = 0; g < 2; g++) Assert.True(Same(freshOptimizer.FlatParameters(g), optimizer.FlatParameters(g)), $"group {g} differs after the resumed step");
        Assert.All(freshOptimizer.state_dict().State.Cast<AdamW.State>(), s => Assert.Equal(3, s.step));
    }

    [Fact]
    public void Loading_a_state_dictionary_copies_into_the_flat_moments()
    {
        var model = ModelZoo.Create(Preset, Options);
        using var optimizer = DeitOptimizer.Create(model, 1e-3, 0.05);
        for (var step = 0; step < 2; step++) TrainStep(model, optimizer, step);
        var fresh = CopyOf(model);
        using var freshOptimizer = DeitOptimizer.Create(fresh, 1e-3, 0.05);
        freshOptimizer.load_state_dict(optimizer.state_dict());
        AssertAliased(freshOptimizer);

        TrainStep(model, optimizer, 2);
        TrainStep(fresh, freshOptimizer, 2);
        for (var g = 0; g < 2; g++) Assert.True(Same(freshOptimizer.FlatParameters(g), optimizer.FlatParameters(g)), $"group {g} differs after the step");
    }

    [Fact]
    public void Parameters_stay_aliased_after_model_io_load_and_ema_updates()
    {
        var model = ModelZoo.Create(Preset, Options);
        using var optimizer = DeitOptimizer.Create(model, 1e-3, 0.05);
        var other = ModelZoo.Create(Preset, Options);
        var path = Path.Combine(Path.GetTempPath(), $"flatadamw-{Guid.NewGuid():N}.safetensors");
        try
        {
            ModelIo.Save(other, path);
            ModelIo.Load(model, path);
        }
        finally
        {
            File.Delete(path);
        }
        var expected = other.Module.named_parameters().ToDictionary(np => np.name, np => np.parameter);
        Assert.All(model.Module.named_parameters(), np => Assert.True(Same(np.parameter, expected[np.name]), np.name));
        AssertAliased(optimizer);

        using var ema = new ModelEma(model, 0.9);
        TrainStep(model, optimizer, 0);
        ema.Update(model);
        AssertAliased(optimizer);
    }

    [Fact]
    public void Rejects_a_group_mixing_dtypes()
    {
        using var a = new Parameter(zeros(3));
        using var b = new Parameter(zeros(3, dtype: float64));
        var error = Assert.Throws<ArgumentException>(() => new FlatAdamW([new AdamW.ParamGroup([a, b], 1e-3, 0.9, 0.999, 1e-8, 0)], 1e-3, 0.9, 0.999, 1e-8, 0));
        Assert.Contains("dtype and device", error.Message);
    }
}
