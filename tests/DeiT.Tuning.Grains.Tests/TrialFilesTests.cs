using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>Two silos without a shared mount: a client whose checkpoint root holds none of the trials' files reads each
/// from the silo that ran it.</summary>
public sealed class TrialFilesTests(SeparateRootsCluster fixture) : IClassFixture<SeparateRootsCluster>
{
    /// <summary>A study of <paramref name="trials"/> one-epoch trials, all at once, each running <paramref name="script"/> with x as $0.</summary>
    private async Task<IStudyGrain> CommandStudy(string name, int trials, string script)
    {
        var study = fixture.Client.GetGrain<IStudyGrain>(name);
        await study.Create(new StudySpec
        {
            Name = name, Space = FakeTrainingScript.Space, Sampler = "random", Trials = trials, Parallel = trials, Seed = 3,
            Runner = new TrialRunnerSpec { Kind = RunnerKind.Command, Epochs = 1, Command = ["/bin/sh", "-c", script, "{x}"] },
        });
        return study;
    }

    private string RootOf(TrialRecord trial) => fixture.CheckpointRootOf(fixture.Cluster.Silos.Single(s => s.SiloAddress.ToParsableString() == trial.Silo).Name);

    [Fact]
    public async Task Following_a_trial_prints_each_line_of_its_log_once_as_it_is_written_on_another_host()
    {
        var study = await CommandStudy("follow", 1, "for i in 1 2 3 4 5 6; do echo \"line $i ü\" >&2; sleep 0.2; done; printf 'no line end' >&2; echo epoch=1 top1=$0");
        var elsewhere = Directory.CreateTempSubdirectory("deit-follow-").FullName;
        var (output, progressText) = (new StringWriter(), new StringWriter());
        var progress = TextWriter.Synchronized(progressText); // written by the follower's task, read here under its lock
        string Progress()
        {
            lock (progress) return progressText.ToString();
        }
        var follower = new Cli.Commands.Trials.TrialLogFollower(study, new TrialFileReader(fixture.Client, elsewhere), output, progress);
        var following = follower.Run("follow", 0, 40, TimeSpan.FromMilliseconds(50), CancellationToken.None);
        // Following starts before the study launches the trial: it waits for it, then follows it.
        for (var i = 0; i < 200 && !Progress().Contains("waiting for trial 0 to launch", StringComparison.Ordinal); i++) await Task.Delay(50);
        Assert.StartsWith("waiting for trial 0 to launch (study follow has launched 0 of its 1)", Progress());
        await study.Run();
        var ended = await following.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(TrialStatus.Completed, ended?.Status);
        var onItsHost = File.ReadAllLines(Path.Combine(RootOf(ended!), TrialFolder.Relative("follow", 0), TrialFolder.Log));
        Assert.Equal(onItsHost, output.ToString().TrimEnd('\n').Split('\n')); // every line once, in order, the unfinished last one at the end
        Assert.Equal([.. Enumerable.Range(1, 6).Select(i => $"line {i} ü"), "no line end"], onItsHost[1..]);
        Directory.Delete(elsewhere, recursive: true);
    }

    [Fact]
    public async Task A_client_reads_each_trials_log_from_the_silo_that_ran_it()
    {
        var study = await CommandStudy("files", 4, "echo \"x is $0\" >&2; echo progress; echo epoch=1 top1=$0");
        await study.Run();
        var done = await StudyWaiting.UntilSettled(study);
        Assert.All(done.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal(2, done.Trials.Select(t => t.Silo).Distinct().Count()); // four trials on four slots: both silos ran some

        var elsewhere = Directory.CreateTempSubdirectory("deit-client-").FullName; // this client's root: none of the files
        var files = new TrialFileReader(fixture.Client, elsewhere, chunkBytes: 16); // small chunks: a copy takes several reads
        foreach (var trial in done.Trials)
        {
            var relative = Path.Combine(TrialFolder.Relative("files", trial.Number), TrialFolder.Log);
            var onItsHost = Path.Combine(RootOf(trial), relative);
            var otherRoot = fixture.CheckpointRootOf(fixture.Cluster.Silos.Single(s => s.SiloAddress.ToParsableString() != trial.Silo).Name);
            Assert.False(File.Exists(Path.Combine(otherRoot, relative)), "the other silo must not have the file, or the test proves nothing");

            var tail = await files.Tail("files", trial, TrialFolder.Log, 2);
            Assert.Equal($"{relative} on silo {ITrialFilesGrain.KeyOf(trial.Silo!)}", tail.Source);
            Assert.Equal(File.ReadAllLines(onItsHost)[^2..], tail.Lines);
            Assert.Contains($"x is {trial.Params["x"]}".Split('.')[0], string.Join('\n', tail.Lines!));

            var copy = Path.Combine(elsewhere, $"copy-{trial.Number}.log");
            Assert.Equal($"{relative} on silo {ITrialFilesGrain.KeyOf(trial.Silo!)}", (await files.CopyTo("files", trial, TrialFolder.Log, copy)).Source);
            Assert.Equal(File.ReadAllBytes(onItsHost), File.ReadAllBytes(copy));
            Assert.False(File.Exists(copy + ".part"));
        }

        var first = done.Trials[0];
        // A stream over a silo's file reads it a chunk at a time, and refuses to mix two versions of it.
        var firstLog = Path.Combine(RootOf(first), TrialFolder.Relative("files", 0), TrialFolder.Log);
        var content = await files.Open("files", first, TrialFolder.Log);
        await using (var stream = content.Stream!)
        {
            Assert.IsType<SiloFileStream>(stream);
            Assert.Equal(new FileInfo(firstLog).Length, stream.Length);
            var start = new byte[20];
            await stream.ReadExactlyAsync(start);
            Assert.Equal(File.ReadAllBytes(firstLog)[..20], start);
            File.SetLastWriteTimeUtc(firstLog, DateTime.UtcNow.AddMinutes(1)); // rewritten on its host meanwhile
            await Assert.ThrowsAsync<FileChangedException>(() => stream.CopyToAsync(Stream.Null));
        }

        var local = await new TrialFileReader(fixture.Client, RootOf(first)).Tail("files", first, TrialFolder.Log, 1);
        Assert.Equal(Path.Combine(RootOf(first), TrialFolder.Relative("files", 0), TrialFolder.Log), local.Source); // this machine's copy first

        Assert.Null((await files.Tail("files", first, "absent.txt", 5)).Lines);
        Assert.Equal((null, null), await files.CopyTo("files", first, "absent.txt", Path.Combine(elsewhere, "absent.txt")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => fixture.Client.GetGrain<ITrialFilesGrain>(ITrialFilesGrain.KeyOf(first.Silo!)).Tail("../../../etc/passwd", 1));

        var gone = await files.Tail("files", first with { Silo = "127.0.0.1:1@1" }, TrialFolder.Log, 5);
        Assert.Null(gone.Lines);
        Assert.StartsWith("silo 127.0.0.1:1, which ran it, cannot be asked for it (no silo at 127.0.0.1:1 is in the cluster now", gone.Unreachable);
        Directory.Delete(elsewhere, recursive: true);
    }
}
