using DeiT.Tuning.Training.Layers;
using DeiT.Tuning.Training.Losses;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Tests.Support;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Precision;

/// <summary>
/// One training step (forward, hard-distillation loss, backward) of the parity fixture's DeiT in bf16 mixed precision
/// against fp32. bf16 keeps 8 significant bits, so each cast of an input or weight to bf16 is off by up to
/// u = 2⁻⁹ ≈ 0.2 % relative; a step chains about ten matmuls forward and twenty backward, so the logits and gradients
/// drift by a few u (measured: logits 1.9 u, gradients 0.8–4.3 u): they must agree with fp32 within 5 u = 1 % (logits,
/// loss) and 10 u = 2 % (each gradient, max norm relative to its largest element), and must NOT agree to 1e-4, which
/// would mean the matmuls ran in fp32. Fixtures/bf16/step.safetensors holds the same step under PyTorch 1.13's
/// torch.autocast("cpu", bfloat16) (make_fixture.py beside it; measured: ours vs it ≤ 5.2 u per gradient, both drift
/// ≤ 4.4 u from fp32): ours must match it within 10 u and drift from fp32 no more than twice as far as it does, plus 5 u.
/// </summary>
public sealed class Bf16StepTests(ITestOutputHelper output, ParityFixture fixture) : IClassFixture<ParityFixture>
{
    const double LogitTolerance = 1e-2;
    const double GradientTolerance = 2e-2;
    const double Fp32Agreement = 1e-4;
    const double BfloatUnit = 1.0 / 512;

    static string TorchStepPath => Path.Combine(ParityFixture.RepositoryRoot(), "tests", "DeiT.Tuning.Training.Tests", "Fixtures", "bf16", "step.safetensors");

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
    public void Bf16_step_matches_torch_autocast_bf16_as_closely_as_torch_matches_itself_in_fp32()
    {
        var torchStep = Safetensors.LoadStateDict(TorchStepPath);
        var ours = Step(ScalarType.BFloat16);

        var lossVsTorch = Math.Abs(ours.Loss - torchStep["bf16.loss"].item<float>()) / Math.Abs(torchStep["fp32.loss"].item<float>());
        var clsVsTorch = TensorAssert.RelativeError(ours.Cls, torchStep["bf16.cls"]);
        var clsTorchVsFp32 = TensorAssert.RelativeError(torchStep["bf16.cls"], torchStep["fp32.cls"]);
        output.WriteLine($"loss vs torch bf16 {lossVsTorch:E3}; cls logits vs torch bf16 {clsVsTorch:E3} (torch bf16 vs fp32 {clsTorchVsFp32:E3})");
        Assert.True(lossVsTorch <= LogitTolerance, $"loss vs torch autocast bf16: relative error {lossVsTorch:E3}");
        Assert.True(clsVsTorch <= LogitTolerance, $"cls logits vs torch autocast bf16: relative error {clsVsTorch:E3}");

        foreach (var (name, gradient) in ours.Gradients)
        {
            var torchBf16 = torchStep[$"bf16.grad.{name}"];
            var fp32 = torchStep[$"fp32.grad.{name}"];
            var vsTorch = TensorAssert.RelativeError(gradient, torchBf16);
            var oursVsFp32 = TensorAssert.RelativeError(gradient, fp32);
            var torchVsFp32 = TensorAssert.RelativeError(torchBf16, fp32);
            output.WriteLine($"{name}: vs torch bf16 {vsTorch:E3}; vs fp32 ours {oursVsFp32:E3}, torch {torchVsFp32:E3}");
            Assert.True(vsTorch <= GradientTolerance, $"gradient of {name} vs torch autocast bf16: relative error {vsTorch:E3}");
            // Two independent bf16 roundings of one fp32 step: ours may not drift from fp32 much more than torch's does.
            Assert.True(oursVsFp32 <= 2 * torchVsFp32 + 5 * BfloatUnit,
                $"gradient of {name}: ours drifts {oursVsFp32:E3} from fp32, torch autocast only {torchVsFp32:E3}");
        }
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
