using System.Security.Cryptography;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Models;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class TeacherTests : IClassFixture<EngineJobs>
{
    private readonly EngineJobs _jobs;

    public TeacherTests(EngineJobs jobs) => _jobs = jobs;

    [Fact]
    public void A_trained_teacher_saves_loads_frozen_and_distills()
    {
        var teacherPath = _jobs.PathIn("teacher.safetensors");
        var teacherJob = new TrainingJob
        {
            Model = "convnet_tiny",
            Data = EngineJobs.SmallFashionMnist,
            Recipe = new DeitRecipe { Epochs = 3, BatchSize = 32, BaseLr = 5e-2, WarmupEpochs = 0, RandAugOps = 0, MixupAlpha = 0, CutmixAlpha = 0, ErasingProb = 0, DropPath = 0 },
        };
        var trained = new Trainer().Run(teacherJob, EngineJobs.Run(output: teacherPath), _ => EpochDecision.Continue, null, CancellationToken.None);
        Assert.IsType<TrainingOutcome.Completed>(trained);
        Assert.True(trained.Epochs[^1].TrainLoss < trained.Epochs[0].TrainLoss, "the teacher's training loss did not fall");
        Assert.True(trained.Epochs[^1].Validation.Top1 > 0.25, $"teacher validation top-1 {trained.Epochs[^1].Validation.Top1} is near chance (0.1)");

        // Loaded frozen, the saved teacher scores exactly what the run reported for its last epoch.
        var splits = DatasetCatalog.Load(teacherJob.Data);
        var options = new ModelOptions { NumClasses = 10, InChannels = 1, ImageSize = 28 };
        var teacher = FrozenTeacher.Load("convnet_tiny", teacherPath, options, CPU);
        Assert.False(teacher.Module.training);
        Assert.All(teacher.Module.parameters(), p => Assert.False(p.requires_grad));
        using (var loader = new BatchLoader(splits.Validation, new BatchLoaderOptions { BatchSize = 64 }))
            Assert.Equal(trained.Epochs[^1].Validation, Evaluator.Evaluate(teacher, loader, CPU));

        var hashBefore = SHA256.HashData(File.ReadAllBytes(teacherPath));
        var student = EngineJobs.Deit(epochs: 1) with
        {
            Model = "deit_micro_distilled_patch4_28",
            Recipe = EngineJobs.Deit().Recipe with { Epochs = 1, Distillation = DistillationType.Hard },
            TeacherPath = teacherPath,
            TeacherModel = "convnet_tiny",
        };
        var distilled = new Trainer().Run(student, EngineJobs.Run(), _ => EpochDecision.Continue, null, CancellationToken.None);
        Assert.IsType<TrainingOutcome.Completed>(distilled);
        Assert.True(double.IsFinite(distilled.Epochs[0].TrainLoss));
        // A distilling run reports each head on the validation split; a run without distillation has none to report.
        var heads = Assert.IsType<HeadEvaluation>(distilled.Epochs[0].ValidationHeads);
        Assert.Equal(distilled.Epochs[0].Validation.Images, heads.Both.Images);
        Assert.Null(trained.Epochs[0].ValidationHeads);
        Assert.Equal(hashBefore, SHA256.HashData(File.ReadAllBytes(teacherPath)));
    }

    [Fact]
    public void Distillation_without_a_distillation_token_or_teacher_is_a_clear_error()
    {
        var job = EngineJobs.Deit(epochs: 1) with { Recipe = EngineJobs.Deit().Recipe with { Distillation = DistillationType.Hard } };
        var noToken = Assert.Throws<ArgumentException>(() => new Trainer().Run(job, EngineJobs.Run(), _ => EpochDecision.Continue, null, CancellationToken.None));
        Assert.Contains("_distilled_", noToken.Message);

        var noTeacher = Assert.Throws<ArgumentException>(() => new Trainer().Run(job with { Model = "deit_micro_distilled_patch4_28" }, EngineJobs.Run(), _ => EpochDecision.Continue, null, CancellationToken.None));
        Assert.Contains("TeacherPath", noTeacher.Message);
    }
}
