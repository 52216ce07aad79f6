using DeiT.Tuning.Training.Layers;
using DeiT.Tuning.Training.Losses;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Precision;

/// <summary>
/// One training step (forward, hard-distillation loss, backward) of the parity fixture's DeiT in bf16 mixed precision
/// against fp32. bf16 keeps 8 significant bits, so each cast of an input or weight to bf16 is off by up to
/// u = 2⁻⁹ ≈ 0.2 % relative; a step chains about ten matmuls forward and twenty backward, so the logits and gradients
/// drift by a few u (measured: logits 1.9 u, gradients 0.8–4.3 u): they must agree with fp32 within 5 u = 1 % (logits,
/// loss) and 10 u = 2 % (each gradient, max norm relative to its largest element), and must NOT agree to 1e-4, which
/// would mean the matmuls ran in fp32.
/// </summary>
public sealed class Bf16StepTests(ITestOutputHelper output, ParityFixture fixture) : IClassFixture<ParityFixture>
{
    const double LogitTolerance = 1e-2;
    const double GradientTolerance = 2e-2;
    const double Fp32Agreement = 1e-4;

    [Fact]
    public void Bf16_step_matches_fp32_within_bf16_rounding()
    {
        var fp32 = Step(computeType: null);
        var bf16 = Step(ScalarType.BFloat16);

        TensorAssert.Close(fp32.Cls, fixture.Expected["train_cls_logits"], "fp32 cls logits vs PyTorch");
        var logitError = TensorAssert.RelativeError(bf16.Cls, fixture.Expected["train_cls_logits"]);
        var lossError = Math.Abs(bf16.Loss - fp32.Loss) / Math.Abs(fp32.Loss);
        output.WriteLine($"logits vs PyTorch fp32: {logitError:E3}; loss {bf16.Loss:R} vs {fp32.Loss:R}: {lossError:E3}");
        Assert.InRange(logitError, Fp32Agreement, LogitTolerance);
        Assert.True(lossError <= LogitTolerance, $"loss relative error {lossError:E3}");

        var worst = 0.0;
        foreach (var (name, gradient) in fp32.Gradients)
        {
            var error = TensorAssert.RelativeError(bf16.Gradients[name], gradient);
            output.WriteLine($"{name}: {error:E3}");
            Assert.True(error <= GradientTolerance, $"gradient of {name}: relative error {error:E3} exceeds {GradientTolerance:E1}");
            worst = Math.Max(worst, error);
        }
        Assert.True(worst > Fp32Agreement, $"bf16 gradients agree with fp32 to {worst:E3}: the matmuls did not run in bf16");
    }

    [Fact]
    public void Bf16_step_keeps_fp32_weights_gradients_and_loss()
    {
        var bf16 = Step(ScalarType.BFloat16);
        Assert.Equal(ScalarType.Float32, bf16.LossType);
        Assert.Equal(ScalarType.BFloat16, bf16.ClsType);
        Assert.All(bf16.Gradients, g => Assert.Equal(ScalarType.Float32, g.Value.dtype));
        Assert.All(bf16.ParameterTypes, t => Assert.Equal(ScalarType.Float32, t));
    }

    [Fact]
    public void Scope_ends_with_its_using_block()
    {
        Assert.Null(Autocast.ComputeType);
        using (Autocast.Enter(ScalarType.BFloat16))
        {
            using (Autocast.Enter(null)) Assert.Null(Autocast.ComputeType);
            Assert.Equal(ScalarType.BFloat16, Autocast.ComputeType);
        }
        Assert.Null(Autocast.ComputeType);
    }

    sealed record StepResult(Tensor Cls, ScalarType ClsType, double Loss, ScalarType LossType,
        Dictionary<string, Tensor> Gradients, List<ScalarType> ParameterTypes);

    StepResult Step(ScalarType? computeType)
    {
        var model = fixture.CreateModel();
        model.train();
        var loss = new DistillationLoss(DistillationType.Hard, fixture.Alpha, fixture.Tau);
        Tensor cls;
        Tensor? dist;
        using (Autocast.Enter(computeType))
            (cls, dist) = model.ForwardTrain(fixture.X);
        var value = loss.Compute(cls.to(float32), dist!.to(float32), fixture.MixedTarget(), fixture.TeacherLogits);
        value.backward();
        var gradients = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone());
        return new StepResult(cls.detach().to(float32), cls.dtype, value.item<float>(), value.dtype, gradients,
            model.parameters().Select(p => p.dtype).ToList());
    }
}
