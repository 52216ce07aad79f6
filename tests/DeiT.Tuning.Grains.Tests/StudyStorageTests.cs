using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Devices;
using DeiT.Tuning.Grains.Hosting;
using DeiT.Tuning.Grains.Storage;
using DeiT.Tuning.Grains.Studies;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>One silo whose SQLite grain storage counts what the study grains write.</summary>
public sealed class CountingStorageCluster : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("deit-tune-storage-").FullName;
    private InProcessTestCluster _cluster = null!;
    public CountingGrainStorage Storage { get; private set; } = null!;
    public IClusterClient Client => _cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGrainStorage(StorageNames.Default, (sp, _) => Storage =
                new CountingGrainStorage(new SqliteGrainStorage(Path.Combine(_root, "state.db"), sp.GetRequiredService<Serializer>()), sp.GetRequiredService<Serializer>()));
            silo.AddDeitTuning(new TuningSiloOptions { Devices = DeviceList.Parse("cpu:1x1"), CheckpointRoot = Path.Combine(_root, "checkpoints") });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    /// <summary>Deactivates every idle grain, so the next call activates the study again from storage.</summary>
    public Task DeactivateAll() => Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}

/// <summary>Each trial of a study is its own storage entry: a report writes that trial only, whatever the study's size.</summary>
public sealed class StudyStorageTests(CountingStorageCluster fixture) : IClassFixture<CountingStorageCluster>
{
    private static StudySpec Spec(string name) => new()
    {
        Name = name, Space = FakeTrainingScript.Space, Sampler = "random", Pruner = "asha", Trials = 1000, Seed = 3,
        Runner = new TrialRunnerSpec { Kind = RunnerKind.AskTell, Epochs = 10 },
    };

    private static EpochMetrics Epoch(int epoch, double top1) => new() { Epoch = epoch, Top1 = top1, Top5 = 1, Loss = 1 - top1, TrainLoss = 1, Seconds = 1 };

    /// <summary>A running ask-and-tell study of <paramref name="trials"/> trials, each but the last with 5 epochs reported.</summary>
    private async Task<IStudyGrain> StudyWith(string name, int trials)
    {
        var study = fixture.Client.GetGrain<IStudyGrain>(name);
        await study.Create(Spec(name));
        await study.Run();
        for (var n = 0; n < trials; n++)
        {
            await study.Ask();
            if (n == trials - 1) break;
            for (var e = 1; e <= 5; e++) await study.ReportEpoch(n, 0, Epoch(e, 0.1 * e + 0.001 * n));
        }
        return study;
    }

    [Fact]
    public async Task A_report_writes_only_its_trials_entry_whose_size_does_not_depend_on_the_other_trials()
    {
        var small = await StudyWith("storage-small", trials: 2);
        var large = await StudyWith("storage-large", trials: 40);

        fixture.Storage.Take();
        await small.ReportEpoch(1, 0, Epoch(1, 0.5));
        var smallReport = fixture.Storage.Take().Writes;
        await large.ReportEpoch(39, 0, Epoch(1, 0.5));
        var largeReport = fixture.Storage.Take().Writes;

        Assert.Equal([StudyTrialStore.EntryName(1)], smallReport.Select(w => w.Name));
        Assert.Equal([StudyTrialStore.EntryName(39)], largeReport.Select(w => w.Name));
        Assert.InRange(largeReport[0].Bytes - smallReport[0].Bytes, -4, 4); // the trial's number, nothing of the others

        await small.Ask();
        var smallAsk = fixture.Storage.Take().Writes;
        await large.Ask();
        var largeAsk = fixture.Storage.Take().Writes;
        Assert.Equal([StudyTrialStore.EntryName(2), "study"], smallAsk.Select(w => w.Name));
        Assert.Equal([StudyTrialStore.EntryName(40), "study"], largeAsk.Select(w => w.Name));
        Assert.InRange(largeAsk[1].Bytes - smallAsk[1].Bytes, -8, 8); // the header: the trial count, not the trials
    }

    [Fact]
    public async Task A_study_reactivated_from_storage_has_every_trial_epoch_lease_and_pruner_record()
    {
        var study = await StudyWith("storage-reactivated", trials: 6);
        await study.Tell(0, TrialStatus.Completed, 0.9, null);
        await study.Tell(5, TrialStatus.Failed, null, "diverged");
        await study.Stop(); // its watchdog would keep it active
        var before = await study.GetSnapshot();
        fixture.Storage.Take();

        await fixture.DeactivateAll();
        var after = await study.GetSnapshot();

        Assert.Contains("study", fixture.Storage.Take().Reads); // activated again from storage
        Assert.Equal(Serialized(before!), Serialized(after!));
        Assert.Equal([1, 2, 3, 4, 5], after!.Trials[4].Epochs.Select(e => e.Epoch));
        var entry = await Read<StudyTrialEntry>(study, StudyTrialStore.EntryName(4));
        Assert.NotNull(entry.PrunerState); // ASHA's rung values for trial 4, stored with it
    }

    [Fact]
    public async Task A_trial_entry_written_before_a_lost_header_write_is_adopted_on_activation()
    {
        var study = await StudyWith("storage-adopted", trials: 2);
        var orphan = new TrialRecord { Number = 2, Params = new Dictionary<string, ParamSetting> { ["x"] = new(0.25, null) }, External = true };
        await fixture.Storage.Inner.WriteStateAsync(StudyTrialStore.EntryName(2), study.GetGrainId(),
            new GrainState<StudyTrialEntry>(new StudyTrialEntry { Record = orphan }));
        await study.Stop();

        await fixture.DeactivateAll();

        var snapshot = await study.GetSnapshot();
        Assert.Equal([0, 1, 2], snapshot!.Trials.Select(t => t.Number));
        Assert.Equal(0.25, snapshot.Trials[2].Params["x"].Number);
        Assert.Equal(3, (await Read<StudyGrainState>(study, "study")).TrialCount);
        Assert.Equal(3, (await study.Ask()).Number);
    }

    [Fact]
    public async Task A_study_stored_as_one_blob_is_split_into_entries_and_keeps_its_applied_outcomes()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("storage-legacy");
        DeviceLease Lease(int trial, int attempt, bool released) => new()
        {
            Silo = "S127.0.0.1:11111:1", Device = "cpu:0", TrialKey = $"storage-legacy/{trial}", Attempt = attempt,
            AcquiredAt = DateTimeOffset.UnixEpoch.AddMinutes(trial), ReleasedAt = released ? DateTimeOffset.UnixEpoch.AddMinutes(trial + 1) : null,
        };
        TrialRecord Trial(int n, TrialStatus status) => new()
        {
            Number = n, Status = status, Attempt = 1, DeviceSeconds = 7, Value = status == TrialStatus.Completed ? 0.6 : null,
            Params = new Dictionary<string, ParamSetting> { ["x"] = new(0.1 * n, null) },
            Epochs = [Epoch(1, 0.5), Epoch(2, 0.6)],
        };
        var legacy = new StudyGrainState
        {
            Spec = Spec("storage-legacy") with { Runner = new TrialRunnerSpec { Kind = RunnerKind.Command, Epochs = 10, Command = ["true"] } },
            State = StudyState.Stopped,
            StoredTrials = [Trial(0, TrialStatus.Completed), Trial(1, TrialStatus.Completed), Trial(2, TrialStatus.Running)],
            Leases = [Lease(0, 1, released: true), Lease(1, 1, released: true), Lease(2, 1, released: false)],
            StoredOutcomesSeen = ["0/1", "1/1"],
            PrunerState = """{"0":[0.5],"1":[0.5],"2":[0.5]}""",
        };
        await fixture.Storage.Inner.WriteStateAsync("study", study.GetGrainId(), new GrainState<StudyGrainState>(legacy));

        var snapshot = await study.GetSnapshot();

        Assert.Equal([0, 1, 2], snapshot!.Trials.Select(t => t.Number));
        Assert.All(snapshot.Trials, t => Assert.Equal([1, 2], t.Epochs.Select(e => e.Epoch)));
        Assert.Equal(["storage-legacy/0", "storage-legacy/1", "storage-legacy/2"], snapshot.Leases.Select(l => l.TrialKey));
        var header = await Read<StudyGrainState>(study, "study");
        Assert.Empty(header.StoredTrials);
        Assert.Empty(header.StoredOutcomesSeen);
        Assert.Null(header.PrunerState);
        Assert.Equal(3, header.TrialCount);
        Assert.Equal(["storage-legacy/2"], header.Leases.Select(l => l.TrialKey)); // only the lease still held
        var first = await Read<StudyTrialEntry>(study, StudyTrialStore.EntryName(0));
        Assert.Equal([1], first.OutcomesSeen);
        Assert.Equal("[0.5]", first.PrunerState);
        Assert.Single(first.ReleasedLeases);

        // Attempt 1 of trial 0 was applied before the migration: applying it again would add its device time twice.
        await study.ReportOutcome(0, 1, new TrialOutcome { Status = TrialStatus.Completed, DeviceSeconds = 100 });
        Assert.Equal(7, (await study.GetSnapshot())!.Trials[0].DeviceSeconds);

        await fixture.DeactivateAll(); // and the split study reads back the same
        Assert.Equal(Serialized((await study.GetSnapshot())!), Serialized(snapshot));
    }

    [Fact]
    public async Task Deleting_a_study_clears_its_header_and_every_trial_entry()
    {
        var study = await StudyWith("storage-deleted", trials: 3);
        await study.Stop();

        await study.Delete();

        foreach (var name in new[] { "study", StudyTrialStore.EntryName(0), StudyTrialStore.EntryName(1), StudyTrialStore.EntryName(2) })
        {
            var state = new GrainState<object>();
            await fixture.Storage.Inner.ReadStateAsync(name, study.GetGrainId(), state);
            Assert.False(state.RecordExists, $"'{name}' is still stored");
        }
    }

    private async Task<T> Read<T>(IStudyGrain study, string name)
    {
        var state = new GrainState<T>();
        await fixture.Storage.Inner.ReadStateAsync(name, study.GetGrainId(), state);
        Assert.True(state.RecordExists, $"no stored '{name}'");
        return state.State!;
    }

    private static string Serialized(StudySnapshot snapshot) => System.Text.Json.JsonSerializer.Serialize(snapshot);
}
