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
    private readonly Option<string?> _init = new("--init")
    {
        Description = "Start from these weights (safetensors): fine-tune at another resolution (pos_embed resized) or transfer to another " +
            "dataset (heads replaced when the class count differs); options left unset take the DeiT fine-tuning recipe " +
            "(lr 5e-6, min-lr 5e-6, no warmup, weight decay 1e-8, 30 epochs)",
    };
    private readonly Option<bool> _testEachEpoch = new("--test-each-epoch") { Description = "Evaluate the test split after every epoch too" };
    private readonly Option<string?> _out;
    private readonly DataOptions _data = new();
    private readonly RecipeOptions _recipe;
    private readonly RunOptions _run = new();

    /// <summary>DeiT's fine-tuning recipe (the paper's 224 → 384 runs: --lr 5e-6 --min-lr 5e-6 --warmup-epochs 0
    /// --weight-decay 1e-8 --epochs 30), for the recipe fields a fine-tuning command line leaves unset.</summary>
    private static DeitRecipe FineTuning(DeitRecipe r) => r with
    {
        BaseLr = 5e-6, MinLr = 5e-6, WarmupEpochs = 0, WeightDecay = 1e-8, Epochs = 30,
    };

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
        foreach (var option in new Option[] { _seed, _teacher, _teacherModel, _init, _checkpointDir, _testEachEpoch, _out })
            command.Options.Add(option);
        _run.AddTo(command);
    }

    public (TrainingJob Job, TrainingRunOptions Run) Read(ParseResult result)
    {
        var model = result.GetValue(_model)!;
        if (!ModelZoo.Names.Contains(model))
            throw new CliException($"--model '{model}' is unknown; use one of: {string.Join(", ", ModelZoo.Names)}.");
        var init = result.GetValue(_init);
        if (init is not null && !File.Exists(init))
            throw new CliException($"--init '{init}' does not exist; give the safetensors weights to start from (e.g. the --out of an earlier `deit-tune train`).");
        var recipe = init is null ? _recipe.Read(result) : _recipe.Read(result, FineTuning);
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
            InitWeights = init is null ? null : Path.GetFullPath(init),
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
