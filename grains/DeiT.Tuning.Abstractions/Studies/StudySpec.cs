namespace DeiT.Tuning.Abstractions.Studies;

public enum OptimizationDirection { Maximize, Minimize }

/// <summary>Everything that defines a study; immutable once the study is created.</summary>
[GenerateSerializer, Immutable, Alias("deit.StudySpec")]
public sealed record StudySpec
{
    [Id(0)] public required string Name { get; init; }
    /// <summary>Text of the search-space file (YAML or JSON); null: the DeiT default space.</summary>
    [Id(1)] public string? Space { get; init; }
    [Id(2)] public string Sampler { get; init; } = "auto";
    /// <summary>Pruner spec such as "none", "median", "asha" or "asha:min=1,rf=3".</summary>
    [Id(3)] public string Pruner { get; init; } = "none";
    /// <summary>Validation metric the study optimizes: top1 | top5 | loss.</summary>
    [Id(4)] public string Metric { get; init; } = "top1";
    [Id(5)] public OptimizationDirection Direction { get; init; } = OptimizationDirection.Maximize;
    [Id(6)] public int Trials { get; init; } = 16;
    [Id(7)] public TimeSpan? TimeBudget { get; init; }
    /// <summary>At most this many trials run at once (fewer when the cluster has fewer free devices).</summary>
    [Id(8)] public int Parallel { get; init; } = 1;
    [Id(9)] public required TrialRunnerSpec Runner { get; init; }
    [Id(10)] public int Seed { get; init; }
    /// <summary>Heartbeats older than this mark a running trial as lost; the watchdog re-dispatches it.</summary>
    [Id(11)] public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Configurations the first trials run, in order, before the sampler suggests (Optuna's enqueue_trial,
    /// Ray Tune's points_to_evaluate): e.g. the space's defaults, the paper's recipe.</summary>
    [Id(20)] public IReadOnlyList<IReadOnlyDictionary<string, Trials.ParamSetting>> Enqueued { get; init; } = [];
    /// <summary>An earlier study whose finished trials the sampler starts from (same metric and direction; trials whose
    /// parameters do not fit this space are left out).</summary>
    [Id(21)] public string? WarmStart { get; init; }
    /// <summary>Trials the study runs before it samples, in order, each when the trial it waits for has completed (a
    /// small DAG: teachers first, then the students that distill from them). The sampler learns only from those marked
    /// <see cref="PlannedTrialSpec.Observed"/>.</summary>
    [Id(22)] public IReadOnlyList<PlannedTrialSpec> Plan { get; init; } = [];
    /// <summary>`paper start`'s options as JSON, from which `paper report` rebuilds the plan; null for other studies.</summary>
    [Id(23)] public string? Paper { get; init; }
    /// <summary>End the study once a completed trial's metric reaches this (≥ when maximizing, ≤ when minimizing);
    /// running trials finish. Null: no target.</summary>
    [Id(24)] public double? TargetValue { get; init; }
    /// <summary>End the study once this many trials in a row have finished (completed or pruned) without a new best;
    /// running trials finish. Null: no plateau rule.</summary>
    [Id(25)] public int? Patience { get; init; }
}

/// <summary>Deit: the in-process trainer; Command: an external command; AskTell: the caller trains (`study ask|tell`).</summary>
public enum RunnerKind { Deit, Command, AskTell }

/// <summary>How each trial trains: the in-process DeiT trainer or an external command.</summary>
[GenerateSerializer, Immutable, Alias("deit.TrialRunnerSpec")]
public sealed record TrialRunnerSpec
{
    [Id(0)] public RunnerKind Kind { get; init; } = RunnerKind.Deit;
    [Id(1)] public string Model { get; init; } = "deit_micro_patch4_28";
    [Id(2)] public DatasetSettings? Dataset { get; init; }
    [Id(3)] public int Epochs { get; init; } = 10;
    [Id(4)] public int BatchSize { get; init; } = 64;
    /// <summary>External command: argv template; {name} is replaced by a parameter, {epochs}, {seed}, {trial},
    /// {checkpoint_dir} by the run's values. Its stdout lines "epoch=3 top1=0.81 loss=0.5" are the reports.</summary>
    [Id(5)] public IReadOnlyList<string> Command { get; init; } = Array.Empty<string>();
    [Id(6)] public int RepeatedAugmentation { get; init; } = 1;
    /// <summary>Frozen ConvNet teacher (safetensors, relative to DataRoot unless absolute) for distillation trials.</summary>
    [Id(7)] public string? Teacher { get; init; }
    [Id(8)] public string? TeacherModel { get; init; }
    /// <summary>Wall-clock limit of one attempt: past it the attempt's process is killed and the trial fails.</summary>
    [Id(9)] public TimeSpan? TrialTimeout { get; init; }
    /// <summary>fp32, tf32, bf16 or fp16 for every trial (a space parameter "precision" overrides it); null: the
    /// device's default (bf16 on GPUs that support it, fp32 on CPUs).</summary>
    [Id(10)] public string? Precision { get; init; }
    /// <summary>Teacher weights relative to the silos' CheckpointRoot (a teacher the study trained): set per trial.</summary>
    [Id(11)] public string? TeacherCheckpoint { get; init; }
    /// <summary>Bytes one attempt's process may write into (heap and anonymous memory); past it allocations fail and the
    /// trial fails "out of memory: limit …". Null: the silo's MaxTrialMemory, if any.</summary>
    [Id(16)] public long? MaxTrialMemory { get; init; }
}

/// <summary>The dataset a DeiT trial trains on; Root is relative to the silo's DataRoot unless absolute.</summary>
[GenerateSerializer, Immutable, Alias("deit.DatasetSettings")]
public sealed record DatasetSettings
{
    [Id(0)] public required string Kind { get; init; }
    [Id(1)] public required string Root { get; init; }
    [Id(2)] public double ValidationFraction { get; init; } = 0.1;
    [Id(3)] public int? TrainLimit { get; init; }
    [Id(4)] public int? ValidationLimit { get; init; }
    [Id(5)] public int? TestLimit { get; init; }
}
