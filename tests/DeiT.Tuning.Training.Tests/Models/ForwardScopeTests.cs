using DeiT.Tuning.Training.Models;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Models;

/// <summary>Each transformer block frees its temporaries when it ends (as Python's reference counting would), so a
/// training forward leaves its caller's dispose scope the residual stream and the heads, not every intermediate
/// tensor of the step; what backward needs, the autograd graph keeps.</summary>
public sealed class ForwardScopeTests
{
    [Fact]
    public void A_training_forward_leaves_its_caller_the_block_outputs_not_their_temporaries_and_backward_still_runs()
    {
        var model = ModelZoo.Create("deit_micro_distilled_patch4_28", new ModelOptions { NumClasses = 4, InChannels = 1, DropPath = 0.1 });
        using var module = model.Module;
        module.train();
        using var scope = NewDisposeScope();
        var images = randn(3, 1, 28, 28);
        var before = scope.DisposablesCount;
        var (cls, dist) = model.ForwardTrain(images);
        var created = scope.DisposablesCount - before;
        // 6 blocks × 1 output, plus the patch embedding, prefix tokens, norm and heads: about 20; every temporary of
        // every block (norms, projections, attention, drop-path masks: about 30 each) would be over 150.
        Assert.InRange(created, 6, 30);
        (cls.sum() + dist!.sum()).backward();
        foreach (var (name, p) in module.named_parameters())
            Assert.True(p.grad is { } g && g.isfinite().all().item<bool>() && g.abs().sum().item<float>() > 0, $"{name} has no finite gradient");
    }
}
