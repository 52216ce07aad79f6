using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Training.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class ResumeTests : IClassFixture<EngineJobs>
{
    private readonly EngineJobs _jobs;

    public ResumeTests(EngineJobs jobs) => _jobs = jobs;

    [Fact]
    public void Resuming_after_an_epoch_equals_the_uninterrupted_run()
    {
        var job = EngineJobs.Deit(epochs: 3);
        var trainer = new Trainer();

        var uninterrupted = trainer.Run(job, EngineJobs.Run(_jobs.PathIn("a"), _jobs.PathIn("a.safetensors")),
            _ => EpochDecision.Continue, null, CancellationToken.None);
        Assert.IsType<TrainingOutcome.Completed>(uninterrupted);

        // The "process" stops after epoch 1 (checkpoint written); a fresh run in the same folder resumes from it.
        var first = trainer.Run(job, EngineJobs.Run(_jobs.PathIn("b")), r => r.Epoch == 1 ? EpochDecision.Stop : EpochDecision.Continue, null, CancellationToken.None);
        Assert.IsType<TrainingOutcome.Stopped>(first);
        Assert.Single(first.Epochs);

        var delivered = new List<int>();
        var resumed = trainer.Run(job, EngineJobs.Run(_jobs.PathIn("b"), _jobs.PathIn("b.safetensors")),
            r => { delivered.Add(r.Epoch); return EpochDecision.Continue; }, null, CancellationToken.None);
        Assert.IsType<TrainingOutcome.Completed>(resumed);
        Assert.Equal([1, 2, 3], delivered);   // the checkpointed epoch's report is delivered again, then 2 and 3

        Assert.Equal(3, resumed.Epochs.Count);
        for (var i = 0; i < 3; i++)
        {
            var (a, b) = (uninterrupted.Epochs[i], resumed.Epochs[i]);
            Assert.Equal(a.Epoch, b.Epoch);
            Assert.Equal(a.LearningRate, b.LearningRate);
            Assert.Equal(a.TrainLoss, b.TrainLoss);
            Assert.Equal(a.Validation, b.Validation);
            Assert.Equal(a.Test, b.Test);
        }

        var expected = EngineJobs.LoadWeights(_jobs.PathIn("a.safetensors"));
        var actual = EngineJobs.LoadWeights(_jobs.PathIn("b.safetensors"));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
            Assert.True(EngineJobs.Identical(tensor, actual[name]), $"weights of '{name}' differ after resume");
    }

    [Fact]
    public void Best_epoch_weights_are_the_evaluated_weights_of_the_best_validation_epoch_also_after_a_resume()
    {
        var job = EngineJobs.Deit(epochs: 3) with { EvaluateTestEachEpoch = false };
        var trainer = new Trainer();
        var uninterrupted = EngineJobs.Run(_jobs.PathIn("best-a")) with { BestWeightsPath = _jobs.PathIn("best-a.safetensors"), BestMetric = SelectionMetric.Top1 };
        var outcome = trainer.Run(job, uninterrupted, _ => EpochDecision.Continue, null, CancellationToken.None);

        var resumedOptions = EngineJobs.Run(_jobs.PathIn("best-b")) with { BestWeightsPath = _jobs.PathIn("best-b.safetensors"), BestMetric = SelectionMetric.Top1 };
        trainer.Run(job, resumedOptions, r => r.Epoch == 2 ? EpochDecision.Stop : EpochDecision.Continue, null, CancellationToken.None);
        trainer.Run(job, resumedOptions, _ => EpochDecision.Continue, null, CancellationToken.None);

        // The file holds the weights of the first epoch with the highest validation top-1: evaluated again, they give that
        // epoch's exact figures (whereas the final weights give the last epoch's).
        var bestEpoch = outcome.Epochs.First(e => e.Validation.Top1 == outcome.Epochs.Max(x => x.Validation.Top1)); // ties: the earlier
        Assert.NotEqual(outcome.Epochs[^1].Validation, bestEpoch.Validation); // else this test could not tell best from last
        var a = EngineJobs.LoadWeights(_jobs.PathIn("best-a.safetensors"));
        var b = EngineJobs.LoadWeights(_jobs.PathIn("best-b.safetensors"));
        Assert.All(a, kv => Assert.True(EngineJobs.Identical(kv.Value, b[kv.Key]), kv.Key));
        Assert.Equal(bestEpoch.Validation, WeightsEvaluation.Evaluate(job, _jobs.PathIn("best-a.safetensors"), DatasetSplit.Validation, EngineJobs.Run()));

        // The test score of a completed run comes with every test image's prediction beside the weights, in the split's order.
        var top1 = BestWeightsTest.Score(job, uninterrupted);
        var predictions = TestPredictions.Load(Path.Combine(Path.GetDirectoryName(_jobs.PathIn("best-a.safetensors"))!, TestPredictions.FileName));
        Assert.NotNull(predictions);
        Assert.Equal(EngineJobs.SmallFashionMnist.TestLimit, predictions.Labels.Length);
        Assert.Null(predictions.Distillation); // a plain DeiT has one head
        Assert.Equal(top1, predictions.Top1(EvaluationHead.Class));
        Assert.Equal(predictions.Class, predictions.Of(EvaluationHead.Both));
    }
}
