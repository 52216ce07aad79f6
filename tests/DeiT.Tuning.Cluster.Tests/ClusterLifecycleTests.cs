using System.Text.Json;
using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Cluster.Tests.Harness;
using Xunit.Abstractions;

namespace DeiT.Tuning.Cluster.Tests;

/// <summary>
/// One Redis cluster, one study driven by the CLI: the CLI is killed mid-search, every silo is killed and started
/// again mid-study, then a 4th silo joins; the search finishes with every trial recorded once.
/// </summary>
public sealed class ClusterLifecycleTests(ITestOutputHelper output)
{
    private const int Trials = 24;
    private const int Epochs = 5;

    [Fact]
    public async Task Search_outlives_its_CLI_and_a_whole_cluster_restart_and_uses_a_silo_that_joins_later()
    {
        using var redis = new RedisServer();
        await using var cluster = new TuningCluster(redis, "lifecycle");
        var silos = Enumerable.Range(0, 3).Select(_ => cluster.AddSilo()).ToArray();
        await TuningCluster.StartAll(silos);
        var cli = new Cli(cluster);
        var spaceFile = Path.Combine(cluster.Folder, "space.json");
        await File.WriteAllTextAsync(spaceFile, TrainingScript.Space);
        var command = string.Join(' ', TrainingScript.Command(cluster.Folder, secondsPerEpoch: 1));

        var client0 = await cluster.Connect();
        var study0 = client0.GetGrain<IStudyGrain>("life");

        // 1. The CLI starts the search and follows it; it is SIGKILLed while trials run.
        using (var follower = cli.Start("search", "start", "--study", "life", "--space", spaceFile, "--trials", $"{Trials}",
                   "--parallel", "8", "--sampler", "random", "--epochs", $"{Epochs}", "--command", command, "--heartbeat-timeout", "10s"))
        {
            await Until(async () => (await Calls.Retry(study0.GetSnapshot))?.Trials.Any(t => t.Epochs.Count > 0) == true, "a first epoch");
            follower.Kill();
            await follower.WaitForExitAsync();
        }
        var (exit, json, stderr) = await cli.Run("search", "status", "--study", "life", "--json");
        Assert.True(exit == 0, stderr);
        var status = JsonDocument.Parse(json).RootElement;
        Assert.Equal("running", status.GetProperty("state").GetString());
        output.WriteLine($"after the CLI was killed, a new CLI sees: {json.ReplaceLineEndings(" ")[..Math.Min(200, json.Length)]}");

        // 2. Every silo SIGKILLed while a trial is between checkpoints with at least two epochs to go (on a loaded
        // machine the trials seen above may have finished by now), then the whole cluster started again.
        await Until(async () => (await Calls.Retry(study0.GetSnapshot))?.Trials.Any(t => !t.IsFinished && t.Epochs.Count is > 0 and <= Epochs - 2) == true,
            "a running trial with a checkpoint and epochs to go");
        foreach (var silo in silos) silo.Kill();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await TuningCluster.StartAll(silos);
        var client = await cluster.Connect();
        var study = client.GetGrain<IStudyGrain>("life");

        // 3. A 4th silo joins mid-search, while trials are still waiting for devices (parallel 8 > 6 devices).
        await Until(async () => (await Calls.Retry(study.GetSnapshot))!.Trials.Any(t => !t.IsFinished && t.Device is not null && t.LastHeartbeat > DateTimeOffset.UtcNow.AddSeconds(-2)), "a trial running after the restart");
        var fourth = cluster.AddSilo();
        await TuningCluster.StartAll(fourth);

        var done = await TuningCluster.WaitSettled(study, TimeSpan.FromMinutes(4));
        var inventory = await Calls.Retry(client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).GetInventory);
        output.WriteLine($"trials {done.Trials.Count}, completed {done.Trials.Count(t => t.Status == TrialStatus.Completed)}, " +
                         $"resumed after the restart: {string.Join(",", done.Trials.Where(t => t.ResumedFromEpoch > 0).Select(t => $"{t.Number}@{t.ResumedFromEpoch}"))}, " +
                         $"on the 4th silo: {done.Leases.Count(l => l.Silo == fourth.Address)} leases");

        Assert.Equal(StudyState.Finished, done.State);
        Assert.Equal(Enumerable.Range(0, Trials), done.Trials.Select(t => t.Number));
        Assert.All(done.Trials, t => Assert.Equal(Enumerable.Range(1, Epochs), t.Epochs.Select(e => e.Epoch)));
        Assert.Contains(done.Trials, t => t.ResumedFromEpoch > 0);
        Assert.Contains(done.Leases, l => l.Silo == fourth.Address);
        LeaseChecks.NoDeviceSharedAtOnce(inventory.History);
        foreach (var trial in done.Trials)
            Assert.All(RunLog.Read(cluster.CheckpointRoot, "life", trial.Number).Resumptions(), r => Assert.InRange(r.Resumed, r.Finished, r.Started));

        (exit, json, stderr) = await cli.Run("search", "status", "--study", "life", "--json");
        Assert.True(exit == 0, stderr);
        Assert.Equal("finished", JsonDocument.Parse(json).RootElement.GetProperty("state").GetString());

        // 4. A CLI on a host without the silos' CheckpointRoot reads a trial's log from the silo that ran it.
        var last = done.Trials[^1];
        (exit, json, stderr) = await cli.Run("trials", "--study", "life", "--trial", $"{last.Number}", "--checkpoint-root", Path.Combine(cluster.Folder, "elsewhere"), "--json");
        Assert.True(exit == 0, stderr);
        var log = JsonDocument.Parse(json).RootElement.GetProperty("log");
        Assert.EndsWith($" on silo {ITrialFilesGrain.KeyOf(last.Silo!)}", log.GetProperty("path").GetString());
        var lines = log.GetProperty("lines").EnumerateArray().Select(l => l.GetString()).ToList();
        var onHost = File.ReadAllLines(Path.Combine(cluster.CheckpointRoot, TrialFolder.Relative("life", last.Number), TrialFolder.Log));
        Assert.NotEmpty(lines);
        Assert.Equal(onHost[^lines.Count..], lines);
    }

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(250);
        }
    }
}
