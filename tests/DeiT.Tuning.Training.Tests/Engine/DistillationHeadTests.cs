using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Training.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class DistillationHeadTests : IClassFixture<EngineJobs>
{
    private readonly EngineJobs _jobs;

    public DistillationHeadTests(EngineJobs jobs) => _jobs = jobs;

    /// <summary>As with torch's AdamW, which skips parameters without a gradient: without distillation the loss never
    /// reaches the distillation head, so training must leave it at its initial weights (no weight decay either).</summary>
    [Fact]
    public void Without_distillation_the_distillation_head_keeps_its_initial_weights()
    {
        Dictionary<string, TorchSharp.torch.Tensor> Train(int epochs, string name)
        {
            var job = EngineJobs.Deit(epochs) with
            {
                Model = "deit_micro_distilled_patch4_28",
                Data = EngineJobs.SmallFashionMnist with { TrainLimit = 64, ValidationLimit = 32, TestLimit = 32 },
                Recipe = EngineJobs.Deit().Recipe with { Epochs = epochs, EmaDecay = null, Distillation = DistillationType.None },
                EvaluateTestEachEpoch = false,
            };
            var output = _jobs.PathIn(name);
            Assert.IsType<TrainingOutcome.Completed>(new Trainer().Run(job, EngineJobs.Run(output: output), _ => EpochDecision.Continue, null, CancellationToken.None));
            return EngineJobs.LoadWeights(output);
        }

        var one = Train(1, "no-distillation-1.safetensors");
        var two = Train(2, "no-distillation-2.safetensors");
        Assert.False(EngineJobs.Identical(one["head.weight"], two["head.weight"]));
        Assert.True(EngineJobs.Identical(one["head_dist.weight"], two["head_dist.weight"]));
        Assert.True(EngineJobs.Identical(one["head_dist.bias"], two["head_dist.bias"]));
    }
}
