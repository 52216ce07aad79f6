using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Studies;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>Studies with planned trials (a DAG of teachers and the students that wait for them), run by the fake
/// training command on two silos: trial 1 of a study reports NaN at epoch 2, and top1 = x at the last epoch.</summary>
public sealed class PlannedStudyTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>
{
    private StudySpec Spec(string name, int parallel, params PlannedTrialSpec[] plan) => new()
    {
        Name = name,
        Space = FakeTrainingScript.Space,
        Sampler = "random",
        Trials = plan.Length + 1,
        Parallel = parallel,
        Seed = 3,
        Plan = plan,
        Runner = new TrialRunnerSpec { Kind = RunnerKind.Command, Epochs = 3, Command = FakeTrainingScript.Command(fixture.Root) },
    };

    private static PlannedTrialSpec Planned(string key, double x, string? teacher = null, bool shared = false, int epochs = 3) => new()
    {
        Key = key, Params = new Dictionary<string, ParamSetting> { ["x"] = new(x, null) }, Seed = 11, Epochs = epochs, Teacher = teacher, Shared = shared,
    };

    [Fact]
    public async Task A_student_waits_for_its_teacher_while_independent_trials_run_and_fails_with_a_failed_teachers_reason()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("plan-dag");
        await study.Create(Spec("plan-dag", parallel: 2,
            Planned("teacher", 0.9, epochs: 6),
            Planned("student", 0.7, teacher: "teacher"),
            Planned("crashing-teacher", 0.2), // trial 1 of the fake command: NaN at epoch 2
            Planned("orphan", 0.5, teacher: "crashing-teacher")));
        await study.Run();
        var done = await StudyWaiting.UntilSettled(study);

        Assert.Equal(StudyState.Finished, done.State);
        var byKey = done.Trials.Where(t => t.PlanKey is not null).ToDictionary(t => t.PlanKey!);
        var teacher = byKey["teacher"];
        var student = byKey["student"];
        Assert.Equal(0, teacher.Number);
        Assert.Equal(1, byKey["crashing-teacher"].Number); // launched beside the teacher: the student had to wait
        Assert.Equal(TrialStatus.Completed, teacher.Status);
        Assert.Equal(6, teacher.Epochs.Count); // the planned trial's own epoch budget
        Assert.Equal(TrialStatus.Completed, student.Status);
        Assert.True(student.StartedAt >= teacher.FinishedAt, $"the student started at {student.StartedAt:O}, before its teacher finished at {teacher.FinishedAt:O}");
        Assert.Equal(0.7, student.Value!.Value, 5);
        Assert.Equal(11, student.Seed);

        var orphan = byKey["orphan"];
        Assert.Equal(TrialStatus.Failed, orphan.Status);
        Assert.Contains("teacher crashing-teacher (trial 1) failed", orphan.Reason);
        Assert.Contains("NaN", orphan.Reason);
        Assert.Equal(0, orphan.Attempt); // never ran
        var inventory = await fixture.Client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).GetInventory();
        Assert.DoesNotContain(inventory.History, l => l.TrialKey == TrialKeys.Of("plan-dag", orphan.Number));

        var sampled = Assert.Single(done.Trials, t => t.PlanKey is null);
        Assert.Equal(4, sampled.Number); // the sampler's turn comes after the plan
    }

    [Fact]
    public async Task A_shared_teacher_trained_by_one_study_is_reused_by_the_next_without_a_device()
    {
        var first = fixture.Client.GetGrain<IStudyGrain>("plan-share-a");
        await first.Create(Spec("plan-share-a", parallel: 1, Planned("teacher-convnet-abc", 0.8, shared: true)));
        await first.Run();
        var trained = (await StudyWaiting.UntilSettled(first)).Trials.Single(t => t.PlanKey == "teacher-convnet-abc");
        Assert.Equal(TrialStatus.Completed, trained.Status);
        Assert.True(File.Exists(Path.Combine(fixture.CheckpointRoot, "teachers", "teacher-convnet-abc", SharedTrials.RecordFile)));

        var second = fixture.Client.GetGrain<IStudyGrain>("plan-share-b");
        var plain = Spec("plan-share-b", parallel: 1, Planned("teacher-convnet-abc", 0.8, shared: true), Planned("student", 0.6, teacher: "teacher-convnet-abc"));
        await second.Create(plain with { Runner = plain.Runner with { Command = ["/bin/sh", "-c", "for e in 1 2 3; do echo \"epoch=$e top1=$0\"; done", "{x}"] } });
        await second.Run();
        var done = await StudyWaiting.UntilSettled(second);
        var reused = done.Trials.Single(t => t.PlanKey == "teacher-convnet-abc");
        Assert.Equal(TrialStatus.Completed, reused.Status);
        Assert.Equal(trained.Value, reused.Value);
        Assert.Equal(trained.Epochs.Select(e => e.Top1), reused.Epochs.Select(e => e.Top1));
        Assert.Contains("trained by study plan-share-a (trial 0)", reused.Reason);
        Assert.Equal(0, reused.Attempt);
        Assert.Equal(TrialStatus.Completed, done.Trials.Single(t => t.PlanKey == "student").Status);
        var inventory = await fixture.Client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).GetInventory();
        Assert.DoesNotContain(inventory.History, l => l.TrialKey == TrialKeys.Of("plan-share-b", reused.Number));
    }

    [Fact]
    public async Task A_plan_whose_student_names_an_unplanned_teacher_is_refused()
    {
        var study = fixture.Client.GetGrain<IStudyGrain>("plan-bad");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => study.Create(Spec("plan-bad", 1, Planned("student", 0.5, teacher: "nobody"))));
        Assert.Contains("waits for 'nobody', which is not planned before it", error.Message);
        Assert.Null(await study.GetSnapshot());
    }
}
