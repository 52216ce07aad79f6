using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>A silo leaves mid-trial: its trial runs again on the other silo from its checkpoint, recorded once.</summary>
public sealed class SiloLossTests : IAsyncLifetime
{
    private readonly TwoSiloCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();
    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Trial_on_a_stopped_silo_resumes_elsewhere_from_its_last_epoch()
    {
        var study = _cluster.Client.GetGrain<IStudyGrain>("silo-loss");
        await study.Create(new StudySpec
        {
            Name = "silo-loss",
            Space = FakeTrainingScript.Space,
            Sampler = "random",
            Trials = 1, // trial 0: the fake script's well-behaved trial (1 and 2 fail on purpose)
            Parallel = 1,
            Seed = 11,
            Runner = new TrialRunnerSpec { Kind = RunnerKind.Command, Epochs = 8, Command = FakeTrainingScript.Command(_cluster.Root) },
        });
        await study.Run();

        TrialRecord running;
        while (true)
        {
            running = (await study.GetSnapshot())!.Trials[0];
            if (running.Epochs.Count >= 2) break;
            await Task.Delay(50);
        }
        var victim = _cluster.Cluster.Silos.Single(s => s.SiloAddress.ToParsableString() == running.Silo);
        await _cluster.Cluster.StopSiloAsync(victim);

        var done = await StudyWaiting.UntilSettled(study);
        var trial = Assert.Single(done.Trials);
        Assert.Equal(TrialStatus.Completed, trial.Status);
        Assert.True(trial.Attempt >= 2, $"attempt {trial.Attempt}");
        Assert.True(trial.ResumedFromEpoch >= 2, $"resumed from epoch {trial.ResumedFromEpoch}");
        Assert.NotEqual(running.Silo, trial.Silo);
        Assert.Equal(Enumerable.Range(1, 8), trial.Epochs.Select(e => e.Epoch));
        var leases = done.Leases.Where(l => l.TrialKey == "silo-loss/0").ToList();
        Assert.True(leases.Count >= 2, string.Join("; ", leases));
        Assert.Equal(leases.Count, leases.Select(l => l.Attempt).Distinct().Count());
        Assert.All(leases, l => Assert.NotNull(l.ReleasedAt));
        LeaseAssert.NoDeviceSharedAtOnce(done.Leases);
    }
}
