using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class CheckpointStoreTests : IClassFixture<EngineJobs>
{
    private readonly EngineJobs _jobs;

    public CheckpointStoreTests(EngineJobs jobs) => _jobs = jobs;

    private static readonly ModelOptions Options = new() { NumClasses = 10, InChannels = 1 };

    private static EpochReport Report(int epoch) =>
        new(epoch, 2.0 / epoch, new EvaluationResult(0.5, 0.9, 1.25, 64), null, 123.4, 1e-4 * epoch, TimeSpan.FromSeconds(epoch));

    /// <summary>A model and optimizer after a few real AdamW steps, so the optimizer state is not all zeros.</summary>
    private static (IImageClassifier Model, AdamW Optimizer, ModelEma Ema) Trained(int seed)
    {
        torch.manual_seed(seed);
        var model = ModelZoo.Create("deit_micro_patch4_28", Options);
        var optimizer = DeitOptimizer.Create(model, new DeitRecipe(), 512);
        var ema = new ModelEma(model, 0.5);
        for (var i = 0; i < 2; i++)
        {
            using var scope = torch.NewDisposeScope();
            var loss = model.ForwardEval(torch.randn(4, 1, 28, 28)).pow(2).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            ema.Update(model);
        }
        return (model, optimizer, ema);
    }

    [Fact]
    public void Restores_model_optimizer_and_ema_exactly()
    {
        var store = new CheckpointStore(_jobs.PathIn("roundtrip"), JobFingerprint.Of(EngineJobs.Deit()));
        var (model, optimizer, ema) = Trained(seed: 1);
        store.Save(1, [Report(1)], new TrainingState(model.Module, optimizer, ema.Model.Module));

        var (other, otherOptimizer, otherEma) = Trained(seed: 2);
        var latest = store.Latest();
        Assert.NotNull(latest);
        Assert.Equal(1, latest.Header.Epoch);
        Assert.Equal([Report(1)], latest.Header.Reports);
        store.Restore(latest, new TrainingState(other.Module, otherOptimizer, otherEma.Model.Module));

        AssertSameTensors(model.Module.state_dict(), other.Module.state_dict());
        AssertSameTensors(ema.Model.Module.state_dict(), otherEma.Model.Module.state_dict());
        var expected = optimizer.state_dict().State.Cast<AdamW.State>().ToList();
        var actual = otherOptimizer.state_dict().State.Cast<AdamW.State>().ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(2, actual[i].step);
            Assert.True(EngineJobs.Identical(expected[i].exp_avg, actual[i].exp_avg) && EngineJobs.Identical(expected[i].exp_avg_sq, actual[i].exp_avg_sq));
        }
    }

    [Fact]
    public void Passes_over_a_torn_newest_checkpoint_and_keeps_only_the_last_two()
    {
        var directory = _jobs.PathIn("torn");
        var store = new CheckpointStore(directory, JobFingerprint.Of(EngineJobs.Deit()));
        var (model, optimizer, _) = Trained(seed: 3);
        var state = new TrainingState(model.Module, optimizer, null);
        for (var epoch = 1; epoch <= 3; epoch++)
            store.Save(epoch, Enumerable.Range(1, epoch).Select(Report).ToList(), state);
        Assert.Equal(["epoch-0002.ckpt", "epoch-0003.ckpt"], Directory.GetFiles(directory).Select(Path.GetFileName).Order());

        using (var file = File.OpenWrite(store.PathFor(3))) file.SetLength(file.Length / 2);
        Assert.Equal(2, store.Latest()!.Header.Epoch);

        var bytes = File.ReadAllBytes(store.PathFor(2));
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(store.PathFor(2), bytes);
        Assert.Null(store.Latest());
    }

    [Fact]
    public void Fingerprint_names_the_differing_settings()
    {
        var job = EngineJobs.Deit();
        var a = JobFingerprint.Of(job);
        Assert.Equal(a, JobFingerprint.Of(job with { }));
        var b = JobFingerprint.Of(job with { Seed = 8, Recipe = job.Recipe with { MixupAlpha = 0.2 } });
        Assert.NotEqual(a.Hash, b.Hash);
        Assert.Equal(["recipe.mixup_alpha (0.8 vs 0.2)", "seed (7 vs 8)"], a.DifferencesFrom(b).Order());
    }

    private static void AssertSameTensors(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, tensor) in expected)
            Assert.True(EngineJobs.Identical(tensor, actual[name]), $"'{name}' differs after restore");
    }
}
