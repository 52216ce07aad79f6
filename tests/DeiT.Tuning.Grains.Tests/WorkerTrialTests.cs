using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>Tiny DeiT trials in deit-tune-worker processes: results independent of what runs beside them, crashes confined to their trial.</summary>
public sealed class WorkerTrialTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>
{
    [Fact]
    public async Task Same_seed_studies_run_side_by_side_record_bit_identical_trials()
    {
        var first = fixture.Client.GetGrain<IStudyGrain>("twin-a");
        var second = fixture.Client.GetGrain<IStudyGrain>("twin-b");
        await first.Create(TinyDeitStudies.Spec("twin-a", trials: 2));
        await second.Create(TinyDeitStudies.Spec("twin-b", trials: 2));
        await Task.WhenAll(first.Run(), second.Run());
        var a = await StudyWaiting.UntilSettled(first, TimeSpan.FromMinutes(5));
        var b = await StudyWaiting.UntilSettled(second, TimeSpan.FromMinutes(5));

        Assert.Equal(2, a.Trials.Count);
        Assert.Equal(a.Trials.Count, b.Trials.Count);
        foreach (var (x, y) in a.Trials.OrderBy(t => t.Number).Zip(b.Trials.OrderBy(t => t.Number)))
        {
            Assert.Equal(TrialStatus.Completed, x.Status);
            Assert.Equal(TrialStatus.Completed, y.Status);
            Assert.Equal(x.Params["lr"].Number, y.Params["lr"].Number);
            Assert.Equal([1, 2], x.Epochs.Select(e => e.Epoch));
            Assert.Equal(Values(x), Values(y));
        }
    }

    [Fact]
    public async Task A_worker_over_its_memory_limit_fails_out_of_memory_while_a_trial_beside_it_completes()
    {
        var limited = fixture.Client.GetGrain<IStudyGrain>("memory-limited");
        var free = fixture.Client.GetGrain<IStudyGrain>("memory-free");
        var spec = TinyDeitStudies.Spec("memory-limited", trials: 1);
        await limited.Create(spec with { Runner = spec.Runner with { MaxTrialMemory = 400L << 20 } });
        await free.Create(TinyDeitStudies.Spec("memory-free", trials: 1));
        await Task.WhenAll(limited.Run(), free.Run());

        var failed = (await StudyWaiting.UntilSettled(limited, TimeSpan.FromMinutes(5))).Trials.Single();
        var completed = (await StudyWaiting.UntilSettled(free, TimeSpan.FromMinutes(5))).Trials.Single();

        Assert.Equal(TrialStatus.Failed, failed.Status);
        Assert.StartsWith("out of memory: limit 400 MB (", failed.Reason);
        // Past the limit libtorch throws ("can't allocate memory"), the .NET runtime reports OutOfMemory, or it aborts
        // (signal 6) before it can say so: which depends on where the allocation fails (a CI run got the abort).
        var reason = failed.Reason!;
        var cause = reason[reason.IndexOf('(')..];
        Assert.Matches("(?i)allocate memory|OutOfMemory|bad_alloc|signal [69]", cause);
        Assert.DoesNotContain('\n', reason);
        Assert.Equal(TrialStatus.Completed, completed.Status);
    }

    private static IEnumerable<double> Values(TrialRecord trial) =>
        trial.Epochs.SelectMany(e => new[] { e.Top1, e.Top5, e.Loss, e.TrainLoss });
}

/// <summary>Workers that crash natively fail their own trial with the reason; the trial beside them completes.</summary>
public sealed class WorkerCrashTests(CrashingWorkersCluster fixture) : IClassFixture<CrashingWorkersCluster>
{
    [Fact]
    public async Task A_worker_that_aborts_or_is_killed_fails_its_trial_and_the_trial_beside_it_completes()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("crashes");
        await study.Create(TinyDeitStudies.Spec("crashes", trials: 3));
        await study.Run();
        var done = await StudyWaiting.UntilSettled(study, TimeSpan.FromMinutes(5));

        var trials = done.Trials.OrderBy(t => t.Number).ToList();
        Assert.Equal(TrialStatus.Failed, trials[0].Status);
        Assert.StartsWith("worker aborted (signal 6) at epoch 2", trials[0].Reason);
        Assert.Equal([1], trials[0].Epochs.Select(e => e.Epoch));
        Assert.Equal(TrialStatus.Failed, trials[1].Status);
        Assert.StartsWith("worker killed by signal 9 (out of memory?) at epoch 1", trials[1].Reason);
        Assert.Equal(TrialStatus.Completed, trials[2].Status);
        Assert.Equal([1, 2], trials[2].Epochs.Select(e => e.Epoch));
        Assert.Equal(StudyState.Finished, done.State);
    }
}

internal static class TinyDeitStudies
{
    public static StudySpec Spec(string name, int trials) => new()
    {
        Name = name,
        Space = """
            parameters:
              lr: {type: float, low: 1.0e-4, high: 1.0e-3, log: true}
              drop_path: {type: float, low: 0.0, high: 0.2}
            """,
        Sampler = "random",
        Trials = trials,
        Parallel = trials,
        Seed = 7,
        Runner = new TrialRunnerSpec
        {
            Kind = RunnerKind.Deit,
            Model = "deit_micro_patch4_28",
            Epochs = 2,
            BatchSize = 32,
            Dataset = new DatasetSettings { Kind = "fashion-mnist", Root = "/usr/share/datasets/fashion-mnist", TrainLimit = 256, ValidationLimit = 64, TestLimit = 64 },
        },
    };
}
