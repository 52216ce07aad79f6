using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Tests.Engine;

namespace DeiT.Tuning.Training.Tests.Precision;

/// <summary>Whole runs in mixed precision: checkpoints keep fp32 masters (and fp16's loss scale), so a resumed run
/// repeats the uninterrupted one bit for bit, as in fp32.</summary>
[Collection(EngineCollection.Name)]
public sealed class MixedPrecisionTrainingTests(EngineJobs jobs) : IClassFixture<EngineJobs>
{
    [Theory]
    [InlineData(DeiT.Tuning.Training.Engine.Precision.Bf16)]
    [InlineData(DeiT.Tuning.Training.Engine.Precision.Fp16)]
    public void Resuming_a_mixed_precision_run_equals_the_uninterrupted_run(DeiT.Tuning.Training.Engine.Precision precision)
    {
        // fp16 matmuls have no fast path on a CPU: a few steps per epoch.
        var job = EngineJobs.Deit(epochs: 2) with { Data = EngineJobs.SmallFashionMnist with { TrainLimit = 64, ValidationLimit = 32, TestLimit = 32 } };
        var trainer = new Trainer();
        var name = PrecisionChoice.Name(precision);
        TrainingRunOptions Run(string folder, string? output = null) => EngineJobs.Run(jobs.PathIn($"{name}-{folder}"), output) with { Precision = precision };

        var uninterrupted = trainer.Run(job, Run("a", jobs.PathIn($"{name}-a.safetensors")), _ => EpochDecision.Continue, null, CancellationToken.None);
        Assert.IsType<TrainingOutcome.Completed>(uninterrupted);
        var first = trainer.Run(job, Run("b"), r => r.Epoch == 1 ? EpochDecision.Stop : EpochDecision.Continue, null, CancellationToken.None);
        Assert.IsType<TrainingOutcome.Stopped>(first);
        var checkpoint = new CheckpointStore(jobs.PathIn($"{name}-b"), JobFingerprint.Of(job)).Latest()!;
        if (precision == DeiT.Tuning.Training.Engine.Precision.Fp16) Assert.NotNull(checkpoint.Header.LossScaler);
        else Assert.Null(checkpoint.Header.LossScaler);

        var resumed = trainer.Run(job, Run("b", jobs.PathIn($"{name}-b.safetensors")), _ => EpochDecision.Continue, null, CancellationToken.None);
        Assert.IsType<TrainingOutcome.Completed>(resumed);
        Assert.Equal(uninterrupted.Epochs.Select(e => (e.TrainLoss, e.Validation, e.Test)), resumed.Epochs.Select(e => (e.TrainLoss, e.Validation, e.Test)));

        var expected = EngineJobs.LoadWeights(jobs.PathIn($"{name}-a.safetensors"));
        var actual = EngineJobs.LoadWeights(jobs.PathIn($"{name}-b.safetensors"));
        foreach (var (key, tensor) in expected)
        {
            Assert.Equal(TorchSharp.torch.ScalarType.Float32, tensor.dtype);
            Assert.True(EngineJobs.Identical(tensor, actual[key]), $"weights of '{key}' differ after resume");
        }
    }

    [Fact]
    public void Bf16_run_learns_like_the_fp32_run()
    {
        var job = EngineJobs.Deit(epochs: 2);
        var fp32 = new Trainer().Run(job, EngineJobs.Run(), _ => EpochDecision.Continue, null, CancellationToken.None);
        var bf16 = new Trainer().Run(job, EngineJobs.Run() with { Precision = DeiT.Tuning.Training.Engine.Precision.Bf16 },
            _ => EpochDecision.Continue, null, CancellationToken.None);
        // Same data, seeds and recipe: the curves differ only by bf16 rounding (a few per mille per step, compounding).
        Assert.NotEqual(fp32.Epochs[^1].TrainLoss, bf16.Epochs[^1].TrainLoss);
        Assert.InRange(bf16.Epochs[^1].TrainLoss, fp32.Epochs[^1].TrainLoss * 0.95, fp32.Epochs[^1].TrainLoss * 1.05);
    }
}
