using System.CommandLine;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Grains.Studies;
using DeiT.Tuning.Search;
using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Search.Pruners;
using DeiT.Tuning.Search.Samplers;
using DeiT.Tuning.Training.Data;

namespace DeiT.Tuning.Cli.Commands.Search;

/// <summary>The options of `search start` that make a <see cref="StudySpec"/>.</summary>
public sealed class SearchStartOptions
{
    public Option<string> Study { get; } = StudyAccess.StudyOption();
    private readonly Option<FileInfo?> _space = new("--space") { Description = "Search space file (YAML or JSON); default: the DeiT space (without distillation unless --teacher is given)" };
    private readonly Option<int> _trials = new("--trials") { Description = "Trial budget", DefaultValueFactory = _ => 16 };
    private readonly Option<int> _parallel = new("--parallel") { Description = "Trials at once (at most the free devices)", DefaultValueFactory = _ => 1 };
    private readonly Option<string> _sampler = new("--sampler") { Description = SamplerSpec.Description, DefaultValueFactory = _ => "auto" };
    private readonly Option<string> _pruner = new("--pruner") { Description = "Pruner spec: none, median, asha, hyperband, optionally with settings (asha:min_resource=1,reduction_factor=3)", DefaultValueFactory = _ => "none" };
    private readonly Option<string> _metric = new("--metric") { Description = "Validation metric: top1, top5 or loss", DefaultValueFactory = _ => "top1" };
    private readonly Option<string?> _direction = new("--direction") { Description = "maximize or minimize (default: minimize for loss, else maximize)" };
    private readonly Option<string> _model = new("--model") { Description = "DeiT preset of every trial", DefaultValueFactory = _ => "deit_micro_patch4_28" };
    private readonly Option<string> _dataset = new("--dataset") { Description = string.Join(", ", DatasetCatalog.Kinds), DefaultValueFactory = _ => "fashion-mnist" };
    private readonly Option<string?> _dataRoot = new("--data-root") { Description = "Dataset folder on the silos (relative to their DataRoot); default for fashion-mnist: " + DatasetCatalog.DefaultFashionMnistRoot };
    private readonly Option<int?> _trainLimit = new("--train-limit") { Description = "Use only the first N training images" };
    private readonly Option<int?> _valLimit = new("--val-limit") { Description = "Use only the first N validation images" };
    private readonly Option<int?> _testLimit = new("--test-limit") { Description = "Use only the first N test images" };
    private readonly Option<int> _epochs = new("--epochs") { Description = "Epochs per trial", DefaultValueFactory = _ => 10 };
    private readonly Option<int> _batch = new("--batch-size") { Description = "Batch size per trial", DefaultValueFactory = _ => 64 };
    private readonly Option<string?> _teacher = new("--teacher") { Description = "Teacher weights (safetensors) for distillation trials" };
    private readonly Option<string?> _teacherModel = new("--teacher-model") { Description = "Preset name of the teacher" };
    private readonly Option<string?> _command = new("--command") { Description = "Run trials as this external command instead (split into words as a shell would, quotes honoured, no shell run; {param}, {epochs}, {seed}, {trial}, {checkpoint_dir} are filled in); silos need AllowExternalCommands=true" };
    private readonly Option<string?> _timeBudget = new("--time-budget") { Description = "Stop launching trials after this much running time, e.g. 15m, 1h30m" };
    private readonly Option<double?> _stopAt = new("--stop-at") { Description = "End the study once a completed trial's metric reaches this value (≥ when maximizing, ≤ when minimizing); running trials finish" };
    private readonly Option<int?> _patience = new("--patience") { Description = "End the study once this many trials in a row have finished (completed or pruned) without a new best; running trials finish" };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of the sampler and of every trial", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _trialTimeout = new("--trial-timeout") { Description = "Fail a trial attempt that runs longer than this, e.g. 30m, 2h (its process is killed)" };
    private readonly Option<string?> _maxTrialMemory = new("--max-trial-memory") { Description = "Memory one trial's process may allocate, e.g. 1.5GB or 800MB; past it the trial fails \"out of memory\"" };
    private readonly Option<string?> _precision = DeiT.Tuning.Cli.Training.PrecisionOption.Create();
    private readonly Option<string[]> _enqueue = new("--enqueue")
    {
        Description = "Run this configuration first, as JSON (e.g. '{\"lr\": 5e-4, \"warmup_epochs\": 1}'; parameters left out take the space's defaults); repeat for more",
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly Option<bool> _enqueueDefaults = new("--enqueue-defaults") { Description = "Run the space's default configuration (its `default:` values) as the first trial" };
    private readonly Option<string?> _warmStart = new("--warm-start") { Description = "Start the sampler from an earlier study's finished trials (same metric; trials outside this space are left out)" };
    private readonly Option<string> _heartbeatTimeout = new("--heartbeat-timeout") { Description = "Re-run a trial elsewhere when it is silent this long", DefaultValueFactory = _ => "60s" };

    public void AddTo(Command command)
    {
        command.Options.Add(Study);
        foreach (var option in new Option[] { _space, _trials, _parallel, _sampler, _pruner, _metric, _direction, _model, _dataset, _dataRoot,
                     _trainLimit, _valLimit, _testLimit, _epochs, _batch, _teacher, _teacherModel, _command, _timeBudget, _stopAt, _patience, _seed, _heartbeatTimeout, _trialTimeout, _maxTrialMemory, _precision, _enqueue, _enqueueDefaults, _warmStart })
            command.Options.Add(option);
    }

    public StudySpec Read(ParseResult result)
    {
        var name = result.GetValue(Study)!;
        try
        {
            StudyNames.Validate(name);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--study: {e.Message}");
        }
        var metric = result.GetValue(_metric)!;
        if (metric is not ("top1" or "top5" or "loss")) throw new CliException($"--metric {metric}: use top1, top5 or loss");
        var direction = result.GetValue(_direction) switch
        {
            null => metric == "loss" ? OptimizationDirection.Minimize : OptimizationDirection.Maximize,
            "maximize" => OptimizationDirection.Maximize,
            "minimize" => OptimizationDirection.Minimize,
            var other => throw new CliException($"--direction {other}: use maximize or minimize"),
        };
        var sampler = SamplerSpec.Check(result.GetValue(_sampler)!, "--sampler");
        var pruner = result.GetValue(_pruner)!;
        try
        {
            PrunerFactory.Create(pruner);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--pruner {pruner}: {e.Message}");
        }
        var timeBudget = result.GetValue(_timeBudget) is { } tb
            ? DurationText.TryParse(tb) ?? throw new CliException($"--time-budget {tb}: write a duration such as 90s, 15m or 1h30m")
            : (TimeSpan?)null;
        var stopAt = result.GetValue(_stopAt);
        if (stopAt is { } target && !double.IsFinite(target)) throw new CliException($"--stop-at {target}: give a finite value of the metric, such as 0.9");
        var patience = result.GetValue(_patience);
        if (patience is < 1) throw new CliException($"--patience {patience}: must be at least 1 trial");
        var heartbeat = DurationText.TryParse(result.GetValue(_heartbeatTimeout)!)
            ?? throw new CliException($"--heartbeat-timeout {result.GetValue(_heartbeatTimeout)}: write a duration such as 60s");
        var trialTimeout = result.GetValue(_trialTimeout) is { } tt
            ? DurationText.TryParse(tt) is { } parsed && parsed > TimeSpan.Zero ? parsed : throw new CliException($"--trial-timeout {tt}: write a positive duration such as 30m or 2h")
            : (TimeSpan?)null;
        var maxTrialMemory = result.GetValue(_maxTrialMemory) is { } mm
            ? MemorySize.TryParse(mm) ?? throw new CliException($"--max-trial-memory {mm}: write a size such as 1.5GB or 800MB")
            : (long?)null;
        foreach (var (option, value) in new[] { ("--trials", result.GetValue(_trials)), ("--parallel", result.GetValue(_parallel)), ("--epochs", result.GetValue(_epochs)), ("--batch-size", result.GetValue(_batch)) })
            if (value < 1) throw new CliException($"{option} {value}: must be at least 1");

        var command = result.GetValue(_command);
        var teacher = result.GetValue(_teacher);
        var runner = new TrialRunnerSpec
        {
            Kind = command is null ? RunnerKind.Deit : RunnerKind.Command,
            Model = result.GetValue(_model)!,
            Epochs = result.GetValue(_epochs),
            BatchSize = result.GetValue(_batch),
            Command = command is null ? [] : CommandWords.Split(command),
            Teacher = teacher,
            TeacherModel = result.GetValue(_teacherModel),
            Dataset = command is null ? Dataset(result) : null,
            TrialTimeout = trialTimeout,
            MaxTrialMemory = maxTrialMemory,
            Precision = DeiT.Tuning.Cli.Training.PrecisionOption.Read(result, _precision) is { } precision ? DeiT.Tuning.Training.Engine.PrecisionChoice.Name(precision) : null,
        };
        var space = SpaceText(result.GetValue(_space), runner.Kind == RunnerKind.Deit && teacher is null);
        if (runner.Kind == RunnerKind.Deit) space = FitToTrainer(space, runner.Epochs);
        return new StudySpec
        {
            Name = name,
            Space = space,
            Enqueued = Enqueued(result, SearchSpace.Parse(space)),
            WarmStart = result.GetValue(_warmStart),
            Sampler = sampler,
            Pruner = pruner,
            Metric = metric,
            Direction = direction,
            Trials = result.GetValue(_trials),
            Parallel = result.GetValue(_parallel),
            TimeBudget = timeBudget,
            TargetValue = stopAt,
            Patience = patience,
            Runner = runner,
            Seed = result.GetValue(_seed),
            HeartbeatTimeout = heartbeat,
        };
    }

    private DatasetSettings Dataset(ParseResult result)
    {
        var kind = result.GetValue(_dataset)!;
        if (!DatasetCatalog.Kinds.Contains(kind)) throw new CliException($"--dataset '{kind}' is not one of: {string.Join(", ", DatasetCatalog.Kinds)}");
        var root = result.GetValue(_dataRoot) ?? (kind == "fashion-mnist" ? DatasetCatalog.DefaultFashionMnistRoot
            : !DatasetCatalog.ReadsFiles(kind) ? "."
            : throw new CliException($"--data-root is required for --dataset {kind}: give the folder holding its files on the silos"));
        foreach (var (option, value) in new[] { ("--train-limit", result.GetValue(_trainLimit)), ("--val-limit", result.GetValue(_valLimit)), ("--test-limit", result.GetValue(_testLimit)) })
            if (value is < 1) throw new CliException($"{option} {value}: must be at least 1 (or left out for all images)");
        return new DatasetSettings
        {
            Kind = kind, Root = root,
            TrainLimit = result.GetValue(_trainLimit), ValidationLimit = result.GetValue(_valLimit), TestLimit = result.GetValue(_testLimit),
        };
    }

    /// <summary>The configurations the study runs first: the space's defaults (--enqueue-defaults), then each --enqueue,
    /// completed with the defaults and checked against the space, with errors naming the option and the parameter.</summary>
    private IReadOnlyList<IReadOnlyDictionary<string, ParamSetting>> Enqueued(ParseResult result, SearchSpace space)
    {
        var configurations = new List<IReadOnlyDictionary<string, ParamSetting>>();
        try
        {
            if (result.GetValue(_enqueueDefaults)) configurations.Add(Settings(space.Defaults()));
        }
        catch (SearchSpaceException e)
        {
            throw new CliException($"--enqueue-defaults: {e.Message}");
        }
        foreach (var json in result.GetValue(_enqueue) ?? [])
        {
            var given = EnqueuedJson.Parse(json);
            var assignment = new Dictionary<string, ParamValue>(given);
            foreach (var p in space.Parameters)
                if (!assignment.ContainsKey(p.Name) && p.Default is { } d && space.IsActive(p, assignment)) assignment[p.Name] = d;
            try
            {
                space.Validate(assignment);
            }
            catch (SearchSpaceException e)
            {
                throw new CliException($"--enqueue {json}: {e.Message}");
            }
            configurations.Add(Settings(assignment));
        }
        return configurations;
    }

    /// <summary>Choices carry 0 as their number: the study's spec is compared as JSON, which has no NaN.</summary>
    private static Dictionary<string, ParamSetting> Settings(IReadOnlyDictionary<string, ParamValue> values) =>
        values.ToDictionary(v => v.Key, v => new ParamSetting(v.Value.IsChoice ? 0 : v.Value.Number, v.Value.Choice));

    /// <summary>The space with the ranges the trainer cannot use capped (each cap printed on stderr), or an error naming
    /// the parameter whose range the trainer cannot train with at all.</summary>
    private static string FitToTrainer(string spaceText, int epochs)
    {
        DeitSpaceFit.Result fit;
        try
        {
            fit = DeitSpaceFit.Fit(SearchSpace.Parse(spaceText), epochs);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--space: {e.Message}");
        }
        foreach (var warning in fit.Warnings) Console.Error.WriteLine($"warning: {warning}");
        return fit.Changed ? fit.Space.ToJson() : spaceText;
    }

    /// <summary>The space file's text after checking it parses; without a file, the DeiT space as JSON.</summary>
    private static string SpaceText(FileInfo? file, bool withoutDistillation)
    {
        if (file is null)
        {
            var deit = SearchSpace.DeitDefault;
            if (withoutDistillation) deit = new SearchSpace(deit.Parameters.Where(p => !p.Name.StartsWith("distillation", StringComparison.Ordinal)));
            return deit.ToJson();
        }
        if (!file.Exists) throw new CliException($"--space {file.FullName}: no such file");
        var text = File.ReadAllText(file.FullName);
        try
        {
            SearchSpace.Parse(text);
        }
        catch (Exception e) when (e is SearchSpaceException or ArgumentException)
        {
            throw new CliException($"--space {file.Name}: {e.Message}");
        }
        return text;
    }
}
