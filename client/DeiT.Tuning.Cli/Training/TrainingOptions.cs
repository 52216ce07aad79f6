using System.CommandLine;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Models;

namespace DeiT.Tuning.Cli.Training;

/// <summary>All options of a training command (`train`, `teacher train`): model, data, recipe, teacher, run, output.</summary>
public sealed class TrainingOptions
{
    private readonly Option<string> _model;
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of shuffling, augmentation, mixing and drop path", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _teacher = new("--teacher") { Description = "Teacher weights (safetensors) for --distillation soft|hard" };
    private readonly Option<string?> _teacherModel = new("--teacher-model") { Description = "Preset name of the teacher" };
    private readonly Option<string?> _checkpointDir = new("--checkpoint-dir") { Description = "Write a checkpoint per epoch here and resume from the newest one" };
    private readonly Option<bool> _testEachEpoch = new("--test-each-epoch") { Description = "Evaluate the test split after every epoch too" };
    private readonly Option<string?> _out;
    private readonly DataOptions _data = new();
    private readonly RecipeOptions _recipe;
    private readonly RunOptions _run = new();

    public TrainingOptions(DeitRecipe recipeDefaults, string? defaultModel, bool outRequired)
    {
        _model = new Option<string>("--model")
        {
            Description = "Model preset, one of: " + string.Join(", ", ModelZoo.Names),
            Required = defaultModel is null,
        };
        if (defaultModel is not null) _model.DefaultValueFactory = _ => defaultModel;
        _out = new Option<string?>("--out") { Description = "Save the trained weights here (safetensors)", Required = outRequired };
        _recipe = new RecipeOptions(recipeDefaults);
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_model);
        _data.AddTo(command);
        _recipe.AddTo(command);
        foreach (var option in new Option[] { _seed, _teacher, _teacherModel, _checkpointDir, _testEachEpoch, _out })
            command.Options.Add(option);
        _run.AddTo(command);
    }

    public (TrainingJob Job, TrainingRunOptions Run) Read(ParseResult result)
    {
        var model = result.GetValue(_model)!;
        if (!ModelZoo.Names.Contains(model))
            throw new CliException($"--model '{model}' is unknown; use one of: {string.Join(", ", ModelZoo.Names)}.");
        var recipe = _recipe.Read(result);
        var teacher = result.GetValue(_teacher);
        var teacherModel = result.GetValue(_teacherModel);
        if (recipe.Distillation != DistillationType.None)
        {
            if (teacher is null)
                throw new CliException($"--distillation {recipe.Distillation.ToString().ToLowerInvariant()} needs a teacher: add --teacher PATH.safetensors --teacher-model NAME (train one with `deit-tune teacher train`).");
            if (teacherModel is null)
                throw new CliException("--teacher needs --teacher-model NAME, the preset the teacher was trained as (e.g. the --model of `deit-tune teacher train`).");
            if (!File.Exists(teacher))
                throw new CliException($"--teacher '{teacher}' does not exist; train one with `deit-tune teacher train --out {teacher}`.");
            if (!ModelZoo.Names.Contains(teacherModel))
                throw new CliException($"--teacher-model '{teacherModel}' is unknown; use one of: {string.Join(", ", ModelZoo.Names)}.");
        }
        else if (teacher is not null || teacherModel is not null)
        {
            throw new CliException("--teacher/--teacher-model are only used with --distillation soft|hard; add --distillation hard or drop them.");
        }

        var job = new TrainingJob
        {
            Model = model,
            Data = _data.Read(result),
            Recipe = recipe,
            Seed = result.GetValue(_seed),
            TeacherPath = teacher is null ? null : Path.GetFullPath(teacher),
            TeacherModel = teacherModel,
            EvaluateTestEachEpoch = result.GetValue(_testEachEpoch),
        };
        var run = _run.Read(result) with
        {
            CheckpointDirectory = result.GetValue(_checkpointDir),
            OutputPath = result.GetValue(_out),
        };
        return (job, run);
    }
}
