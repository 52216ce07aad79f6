using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Losses;
using DeiT.Tuning.Training.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Losses;

/// <summary>The three losses and the gradient of every parameter against the PyTorch reference.</summary>
public sealed class DistillationLossParityTests(ITestOutputHelper output, ParityFixture fixture) : IClassFixture<ParityFixture>
{
    [Fact]
    public void Mixed_target_built_here_is_the_fixtures_target() =>
        TensorAssert.Close(fixture.MixedTarget(), fixture.Expected["mixup_target"], "mixup_target");

    [Theory]
    [InlineData("none_smoothing", DistillationType.None)]
    [InlineData("soft_mixup", DistillationType.Soft)]
    [InlineData("hard_mixup", DistillationType.Hard)]
    public void Loss_equals_the_reference(string name, DistillationType type)
    {
        using var model = fixture.CreateModel();
        model.train();
        var (cls, dist) = model.ForwardTrain(fixture.X);
        var target = type == DistillationType.None ? fixture.SmoothedOneHot(fixture.Labels) : fixture.MixedTarget();
        var loss = new DistillationLoss(type, fixture.Alpha, fixture.Tau).Compute(cls, dist, target, fixture.TeacherLogits);
        var expected = fixture.Json.GetProperty("losses").GetProperty(name).GetDouble();
        output.WriteLine($"{name}: {loss.item<float>():R} vs {expected:R}, relative error {Math.Abs(loss.item<float>() - expected) / expected:E3}");
        TensorAssert.Close(loss.item<float>(), expected, name);
    }

    [Fact]
    public void Gradient_of_every_parameter_after_hard_mixup_backward_equals_the_reference()
    {
        using var model = fixture.CreateModel();
        model.train();
        var (cls, dist) = model.ForwardTrain(fixture.X);
        new DistillationLoss(DistillationType.Hard, fixture.Alpha, fixture.Tau)
            .Compute(cls, dist, fixture.MixedTarget(), fixture.TeacherLogits).backward();

        var names = model.named_parameters().Select(np => np.name).ToHashSet();
        Assert.Equal(fixture.Expected.Keys.Where(k => k.StartsWith("grad.")).Select(k => k["grad.".Length..]).ToHashSet(), names);
        var worst = 0.0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            var grad = parameter.grad;
            Assert.NotNull(grad);
            worst = Math.Max(worst, TensorAssert.RelativeError(grad!, fixture.Expected[$"grad.{name}"]));
            TensorAssert.Close(grad!, fixture.Expected[$"grad.{name}"], $"grad.{name}");
        }
        output.WriteLine($"gradients ({names.Count} parameters): worst max relative error {worst:E3}");
    }

    [Fact]
    public void Soft_and_hard_need_a_distillation_head_and_teacher_logits()
    {
        using var logits = randn(2, 3);
        using var target = full(2, 3, 1.0 / 3);
        var loss = new DistillationLoss(DistillationType.Hard, 0.5, 1.0);
        Assert.Contains("distillation head", Assert.Throws<InvalidOperationException>(() => loss.Compute(logits, null, target, logits)).Message);
        Assert.Contains("teacher", Assert.Throws<InvalidOperationException>(() => loss.Compute(logits, logits, target, null)).Message);
    }

    [Fact]
    public void None_is_the_soft_target_cross_entropy_of_the_class_head()
    {
        using var logits = tensor(new float[] { 2, 0, -1, 0.5f, 0.5f, 0.5f }).reshape(2, 3);
        using var target = tensor(new float[] { 1, 0, 0, 0.2f, 0.3f, 0.5f }).reshape(2, 3);
        var lse0 = Math.Log(Math.Exp(2) + 1 + Math.Exp(-1));
        var expected = ((lse0 - 2) + Math.Log(3)) / 2;   // row 2: uniform logits, so CE = log 3 for any target
        var loss = new DistillationLoss(DistillationType.None, 0.5, 1.0).Compute(logits, null, target, null);
        Assert.Equal(expected, loss.item<float>(), 1e-6);
    }
}
