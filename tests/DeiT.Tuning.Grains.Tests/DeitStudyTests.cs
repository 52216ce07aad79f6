using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>A study of tiny DeiT trials on a few hundred real Fashion-MNIST images, trained in the silos.</summary>
public sealed class DeitStudyTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    [Fact]
    public async Task Tiny_DeiT_study_trains_on_every_device_and_records_diverged_trials_as_failed()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("deit-tiny");
        await study.Create(new StudySpec
        {
            Name = "deit-tiny",
            // lr spans sane to absurd (per 512 images): absurd ones diverge to NaN once warmup (0 or 1 epoch) is over.
            Space = """
                parameters:
                  lr: {type: float, low: 1.0e-3, high: 1.0e9, log: true}
                  warmup_epochs: {type: int, low: 0, high: 1}
                  drop_path: {type: float, low: 0.0, high: 0.2}
                """,
            Sampler = "random",
            Trials = 4,
            Parallel = 4,
            Seed = 1,
            Runner = new TrialRunnerSpec
            {
                Kind = RunnerKind.Deit,
                Model = "deit_micro_patch4_28",
                Epochs = 2,
                BatchSize = 32,
                Dataset = new DatasetSettings { Kind = "fashion-mnist", Root = FashionMnist, TrainLimit = 256, ValidationLimit = 64, TestLimit = 64 },
            },
        });
        await study.Run();
        var done = await StudyWaiting.UntilSettled(study, TimeSpan.FromMinutes(3));

        Assert.Equal(StudyState.Finished, done.State);
        Assert.Equal(4, done.Trials.Count);
        foreach (var trial in done.Trials)
        {
            var lr = trial.Params["lr"].Number;
            if (trial.Status == TrialStatus.Completed)
            {
                Assert.Equal([1, 2], trial.Epochs.Select(e => e.Epoch));
                Assert.InRange(trial.Value!.Value, 0.0, 1.0);
                Assert.All(trial.Epochs, e => Assert.True(e.ImagesPerSecond > 0));
                Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(fixture.CheckpointRoot, "deit-tiny", $"trial-{trial.Number:D4}")));
            }
            else
            {
                Assert.Equal(TrialStatus.Failed, trial.Status);
                Assert.True(lr > 1.0, $"trial {trial.Number} with lr {lr} failed: {trial.Reason}");
                Assert.True(trial.Reason!.Contains("diverged", StringComparison.Ordinal) || trial.Reason.Contains("NaN", StringComparison.Ordinal), trial.Reason);
            }
            if (lr < 1e-1) Assert.Equal(TrialStatus.Completed, trial.Status);
            if (lr > 1e6) Assert.Equal(TrialStatus.Failed, trial.Status);
        }
        Assert.Contains(done.Trials, t => t.Status == TrialStatus.Completed);
        Assert.Contains(done.Trials, t => t.Status == TrialStatus.Failed);

        var inventory = await fixture.Client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).GetInventory();
        LeaseAssert.NoDeviceSharedAtOnce(inventory.History);
        Assert.Equal(2, done.Leases.Select(l => l.Silo).Distinct().Count());
    }
}
