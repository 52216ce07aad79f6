using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Layers;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Precision;

/// <summary>torch.cuda.amp.GradScaler's rules: start at 2¹⁶, halve and reset on inf/NaN, double after 2000 good steps.</summary>
public sealed class DynamicLossScalerTests
{
    [Fact]
    public void Starts_at_GradScalers_initial_scale()
    {
        var scaler = new DynamicLossScaler();
        Assert.Equal(65536.0, scaler.Scale);
        Assert.Equal(0, scaler.GrowthTracker);
    }

    [Fact]
    public void Non_finite_gradients_halve_the_scale_and_reset_the_growth_count()
    {
        var scaler = new DynamicLossScaler();
        for (var i = 0; i < 1500; i++) scaler.Update(gradientsFinite: true);
        scaler.Update(gradientsFinite: false);
        Assert.Equal(32768.0, scaler.Scale);
        Assert.Equal(0, scaler.GrowthTracker);
        // 1999 good steps after the back-off are not enough to grow: the count restarted.
        for (var i = 0; i < 1999; i++) scaler.Update(gradientsFinite: true);
        Assert.Equal(32768.0, scaler.Scale);
    }

    [Fact]
    public void Scale_doubles_after_every_2000_consecutive_good_steps()
    {
        var scaler = new DynamicLossScaler();
        for (var i = 0; i < 1999; i++) scaler.Update(gradientsFinite: true);
        Assert.Equal(65536.0, scaler.Scale);
        scaler.Update(gradientsFinite: true);
        Assert.Equal(131072.0, scaler.Scale);
        Assert.Equal(0, scaler.GrowthTracker);
        for (var i = 0; i < 2000; i++) scaler.Update(gradientsFinite: true);
        Assert.Equal(262144.0, scaler.Scale);
    }

    [Fact]
    public void Unscale_divides_every_gradient_and_reports_finiteness()
    {
        var scaler = new DynamicLossScaler(new LossScalerState(1024.0, 5));
        using var a = tensor(new float[] { 1024f, -2048f });
        using var b = tensor(new float[] { 512f });
        Assert.True(scaler.Unscale([a, b]));
        Assert.Equal(new[] { 1f, -2f }, a.data<float>().ToArray());
        Assert.Equal(new[] { 0.5f }, b.data<float>().ToArray());

        using var inf = tensor(new[] { 1f, float.PositiveInfinity });
        using var nan = tensor(new[] { float.NaN });
        Assert.False(scaler.Unscale([a, inf]));
        Assert.False(scaler.Unscale([nan]));
    }

    [Fact]
    public void State_round_trips()
    {
        var scaler = new DynamicLossScaler();
        scaler.Update(false);
        scaler.Update(true);
        var restored = new DynamicLossScaler(scaler.State);
        Assert.Equal(scaler.State, restored.State);
        Assert.Equal(new LossScalerState(32768.0, 1), restored.State);
    }

    [Fact]
    public void Fp16_steps_whose_scaled_gradients_overflow_are_skipped_until_the_scale_fits_and_good_steps_grow_it()
    {
        var model = ModelZoo.Create("deit_micro_distilled_patch4_28", new ModelOptions { NumClasses = 10, InChannels = 1 });
        using var optimizer = DeitOptimizer.Create(model, 1e-3, 0.05);
        // 2²⁴ times the loss makes the fp16 backward overflow (fp16's largest value is 65504): the injected inf.
        var scaler = new DynamicLossScaler(new LossScalerState(Math.Pow(2, 24), 0), growthInterval: 1);
        var images = arange(4 * 28 * 28, dtype: float32).mul_(0.37).sin_().reshape(4, 1, 28, 28);
        bool Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor output;
            using (Autocast.Enter(ScalarType.Float16)) output = model.ForwardEval(images);
            var finite = scaler.Backward(output.to(float32).pow(2).mean(), optimizer.AllFlatGradients);
            if (finite) optimizer.step();
            return finite;
        }
        var initial = optimizer.FlatParameters(0).clone();

        var skipped = 0;
        while (!Step())
        {
            skipped++;
            Assert.Equal(Math.Pow(2, 24 - skipped), scaler.Scale);
            Assert.Equal(0, scaler.GrowthTracker);
            Assert.True(optimizer.FlatParameters(0).eq(initial).all().item<bool>(), "a step with inf/NaN gradients changed the weights");
        }
        Assert.InRange(skipped, 1, 23);
        Assert.False(optimizer.FlatParameters(0).eq(initial).all().item<bool>(), "the first finite step did not update the weights");
        Assert.True(optimizer.AllFlatGradients.All(g => g.isfinite().all().item<bool>()));
        // With a growth interval of one step, that good step already doubles the scale and restarts the count.
        Assert.Equal(Math.Pow(2, 24 - skipped + 1), scaler.Scale);
        Assert.Equal(0, scaler.GrowthTracker);
    }
}
