namespace DeiT.Tuning.Paper.Plan;

/// <summary>Builds the paper study's plan for a budget: the configurations each table needs, deduplicated, per seed.</summary>
public static class PaperPlanner
{
    public const string Full = "full";
    public const string Soft = "distill-soft";
    public const string Hard = "distill-hard";
    public const string HardFromTransformer = "distill-hard-deit-teacher";
    public const string ConvNetTeacher = "teacher-convnet";
    public const string TransformerTeacher = "teacher-deit";
    public const string TeacherVsUndistilled = "teacher-vs-undistilled";
    public const string TeacherVsDistilled = "teacher-vs-distilled";
    public const string UndistilledVsDistilled = "undistilled-vs-distilled";
    public const string SearchPrefix = "search";

    /// <summary>The DeiT search space's knobs the search tunes (distillation is the distillation table's business).</summary>
    public static IReadOnlyList<string> SearchParameters { get; } =
    [
        "lr", "warmup_epochs", "randaug_magnitude", "randaug_ops", "mixup_alpha", "cutmix_alpha", "mixup_switch_prob",
        "erasing_prob", "drop_path", "weight_decay", "label_smoothing",
    ];

    private sealed record Config(string Name, TrialRole Role, string Model, IReadOnlyList<RecipeOverride> Overrides, string? Teacher)
    {
        public string Fingerprint => $"{Model}|{Teacher}|{string.Join(",", Overrides.OrderBy(o => o.Name, StringComparer.Ordinal))}";
    }

    public static PaperPlan Create(PaperPlanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Study)) throw new ArgumentException("The study needs a name (--study).");
        var sizes = options.Sizes();
        var seedCount = options.Seeds ?? sizes.Seeds;
        var minimum = PaperPlanOptions.MinimumSeeds(options.Budget);
        if (seedCount < minimum)
            throw new ArgumentException($"--seeds {seedCount} is too few for budget {options.Budget.ToString().ToLowerInvariant()}: every configuration needs at least {minimum} seeds for a mean ± std.");
        var student = options.StudentModel ?? sizes.StudentModel;
        var distilled = options.StudentModel is null ? sizes.DistilledModel : DistilledName(student);
        var data = new PaperData(options.Dataset ?? sizes.Dataset, options.DataRoot, sizes.TrainLimit, sizes.ValidationLimit, sizes.TestLimit);
        var seeds = Enumerable.Range(0, seedCount).ToList();

        var configs = Configs(sizes, student, distilled);
        // Configurations with the same content are one configuration (students first, so a transformer teacher trained
        // exactly like the full recipe is the full recipe's seed-0 trial, as DeiT-B is its own teacher in the paper).
        var canonical = new Dictionary<string, string>();
        var byFingerprint = new Dictionary<string, string>();
        foreach (var c in configs.OrderBy(c => c.Role == TrialRole.Teacher ? 1 : 0))
            canonical[c.Name] = byFingerprint.TryGetValue(c.Fingerprint, out var first) ? first : byFingerprint[c.Fingerprint] = c.Name;

        var rows = Rows(canonical);
        var serves = rows.Where(r => r.Metric == RowMetric.Top1).GroupBy(r => r.Source)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<RowRef>)g.Select(r => new RowRef(r.Table, r.Config)).ToList());

        // A teacher's seed-0 trial is keyed by its identity, so later studies find it; other trials by configuration and seed.
        var teacherKeys = configs.Where(c => c.Role == TrialRole.Teacher)
            .ToDictionary(c => canonical[c.Name], c => new TeacherIdentity(c.Model, data, c.Overrides, Seed: 0).Key);
        string KeyOf(string config, int seed) =>
            seed == seeds[0] && teacherKeys.TryGetValue(canonical[config], out var key) ? key : StudentKey(canonical[config], seed);

        var trials = new List<PlannedTrial>();
        foreach (var c in configs.Where(c => canonical[c.Name] == c.Name))
            foreach (var seed in c.Role == TrialRole.Teacher ? seeds.Take(1) : seeds)
            {
                var teacher = c.Teacher is { } t ? configs.Single(x => x.Name == canonical[t]) : null;
                var key = KeyOf(c.Name, seed);
                trials.Add(new PlannedTrial(key, teacherKeys.ContainsValue(key) ? TrialRole.Teacher : TrialRole.Student, c.Name, c.Model, seed,
                    (int)c.Overrides.Single(o => o.Name == "epochs").Number!.Value, c.Overrides,
                    teacher is null ? null : KeyOf(teacher.Name, seeds[0]), teacher?.Model,
                    serves.TryGetValue(c.Name, out var refs) ? refs : []));
            }
        var teachers = trials.Where(t => t.Role == TrialRole.Teacher).ToList();
        var students = trials.Where(t => t.Role == TrialRole.Student).ToList();

        var convTeacher = KeyOf(ConvNetTeacher, seeds[0]);
        var evaluations = seeds.SelectMany(seed => new[]
        {
            Evaluation(TeacherVsUndistilled, seed, convTeacher, "class", KeyOf(Full, seed), "class"),
            Evaluation(TeacherVsDistilled, seed, convTeacher, "class", KeyOf(Hard, seed), "both"),
            Evaluation(UndistilledVsDistilled, seed, KeyOf(Full, seed), "class", KeyOf(Hard, seed), "both"),
        }).ToList();

        var fullConfig = configs.Single(c => c.Name == canonical[Full]);
        var search = new PlannedSearch(SearchPrefix, student, seeds[0], sizes.Epochs, sizes.SearchTrials, "gp", SearchParameters,
            fullConfig.Overrides.Where(o => !SearchParameters.Contains(o.Name)).ToList(), KeyOf(Full, seeds[0]));
        return new PaperPlan(options.Study, sizes, data, seeds, teachers, students, evaluations, search, rows);
    }

    public static string StudentKey(string config, int seed) => $"{config}-s{seed}";

    /// <summary>"deit_micro_patch4_28" → "deit_micro_distilled_patch4_28".</summary>
    public static string DistilledName(string model)
    {
        if (model.Contains("_distilled_", StringComparison.Ordinal)) return model;
        var at = model.IndexOf("_patch", StringComparison.Ordinal);
        if (at < 0) throw new ArgumentException($"--model '{model}' is not a DeiT preset named like deit_<size>_patch<P>_<S>; the distillation rows need its distilled twin.");
        return model[..at] + "_distilled" + model[at..];
    }

    private static PlannedEvaluation Evaluation(string pair, int seed, string a, string headA, string b, string headB) =>
        new($"{pair}-s{seed}", a, headA, b, headB, [new RowRef(PaperTable.Disagreement, pair)]);

    private static List<Config> Configs(BudgetSizes s, string student, string distilled)
    {
        RecipeOverride[] baseRecipe =
        [
            RecipeOverride.Of("epochs", s.Epochs), RecipeOverride.Of("batch_size", s.BatchSize), RecipeOverride.Of("lr", s.BaseLr),
            RecipeOverride.Of("warmup_epochs", s.WarmupEpochs), RecipeOverride.Of("repeated_augmentation", s.RepeatedAugmentation),
        ];
        IReadOnlyList<RecipeOverride> With(params RecipeOverride[] changes) =>
            [.. baseRecipe.Where(b => changes.All(c => c.Name != b.Name)), .. changes];
        Config Ablation(string name, params RecipeOverride[] changes) => new(name, TrialRole.Student, student, With(changes), null);

        return
        [
            new(ConvNetTeacher, TrialRole.Teacher, s.ConvNetTeacher,
            [
                RecipeOverride.Of("epochs", s.TeacherEpochs), RecipeOverride.Of("batch_size", s.BatchSize), RecipeOverride.Of("lr", s.BaseLr),
                RecipeOverride.Of("warmup_epochs", 0), RecipeOverride.Of("randaug_ops", 0), RecipeOverride.Of("mixup_alpha", 0),
                RecipeOverride.Of("cutmix_alpha", 0), RecipeOverride.Of("erasing_prob", 0), RecipeOverride.Of("drop_path", 0),
                RecipeOverride.Of("repeated_augmentation", 1),
            ], null),
            new(TransformerTeacher, TrialRole.Teacher, s.TransformerTeacher, With(RecipeOverride.Of("epochs", s.TeacherEpochs)), null),
            Ablation(Full),
            Ablation("no-randaugment", RecipeOverride.Of("randaug_ops", 0)),
            Ablation("autoaugment", RecipeOverride.Of("augmentation", "autoaugment")),
            Ablation("no-mixup", RecipeOverride.Of("mixup_alpha", 0)),
            Ablation("no-cutmix", RecipeOverride.Of("cutmix_alpha", 0)),
            Ablation("no-erasing", RecipeOverride.Of("erasing_prob", 0)),
            Ablation("no-stochastic-depth", RecipeOverride.Of("drop_path", 0)),
            Ablation("no-repeated-augmentation", RecipeOverride.Of("repeated_augmentation", 1)),
            Ablation("ema", RecipeOverride.Of("ema_decay", s.EmaDecay)),
            Ablation("no-label-smoothing", RecipeOverride.Of("label_smoothing", 0)),
            Ablation("no-warmup", RecipeOverride.Of("warmup_epochs", 0)),
            Ablation("sgd", RecipeOverride.Of("optimizer", "sgd")),
            new(Soft, TrialRole.Student, distilled, With(RecipeOverride.Of("distillation", "soft"), RecipeOverride.Of("distillation_tau", 3.0),
                RecipeOverride.Of("distillation_alpha", 0.1)), ConvNetTeacher),
            new(Hard, TrialRole.Student, distilled, With(RecipeOverride.Of("distillation", "hard"), RecipeOverride.Of("distillation_alpha", 0.5)), ConvNetTeacher),
            new(HardFromTransformer, TrialRole.Student, distilled, With(RecipeOverride.Of("distillation", "hard"), RecipeOverride.Of("distillation_alpha", 0.5)),
                TransformerTeacher),
        ];
    }

    private static List<PaperRow> Rows(IReadOnlyDictionary<string, string> canonical)
    {
        string C(string name) => canonical[name];
        PaperRow Ablation(string config, string? removed, PaperFigure paper) =>
            new(PaperTable.Ablation, config, removed, "none", null, null, C(config), config == Full ? null : Full, RowMetric.Top1, paper);
        return
        [
            // ablation (Table 8)
            Ablation(Full, null, PaperReferences.Full),
            Ablation("no-randaugment", "randaugment", PaperReferences.NoRandAugment),
            Ablation("autoaugment", "randaugment (autoaugment instead)", PaperReferences.AutoAugment),
            Ablation("no-mixup", "mixup", PaperReferences.NoMixup),
            Ablation("no-cutmix", "cutmix", PaperReferences.NoCutMix),
            Ablation("no-erasing", "random erasing", PaperReferences.NoErasing),
            Ablation("no-stochastic-depth", "stochastic depth", PaperReferences.NoStochasticDepth),
            Ablation("no-repeated-augmentation", "repeated augmentation", PaperReferences.NoRepeatedAugmentation),
            Ablation("ema", null, PaperReferences.Ema),
            Ablation("no-label-smoothing", "label smoothing", PaperReferences.NoLabelSmoothing),
            Ablation("no-warmup", "warmup", PaperReferences.NoWarmup),
            Ablation("sgd", "adamw (sgd instead)", PaperReferences.Sgd),
            // distillation (Table 3), all from the ConvNet teacher
            new(PaperTable.Distillation, "none", null, "none", null, null, C(Full), null, RowMetric.Top1, PaperReferences.NoDistillation),
            new(PaperTable.Distillation, "soft", null, "soft", "convnet", "both", C(Soft), "none", RowMetric.Top1, PaperReferences.SoftDistillation),
            new(PaperTable.Distillation, "hard", null, "hard", "convnet", "both", C(Hard), "none", RowMetric.Top1, PaperReferences.HardDistillation),
            // teacher (Table 2): hard distillation; the teachers' own accuracy beside
            new(PaperTable.Teacher, "deit teacher", null, "hard", "deit", "both", C(HardFromTransformer), null, RowMetric.Top1, PaperReferences.TransformerTeacher),
            new(PaperTable.Teacher, "convnet teacher", null, "hard", "convnet", "both", C(Hard), "deit teacher", RowMetric.Top1, PaperReferences.ConvNetTeacher),
            new(PaperTable.Teacher, "deit teacher alone", null, "none", "deit", null, C(TransformerTeacher), null, RowMetric.Top1, PaperReferences.TeacherAlone),
            new(PaperTable.Teacher, "convnet teacher alone", null, "none", "convnet", null, C(ConvNetTeacher), null, RowMetric.Top1, PaperReferences.TeacherAlone),
            // heads (Table 3, DeiT⚗ rows): the hard-distilled student under each head
            new(PaperTable.Heads, "class", null, "hard", "convnet", "class", C(Hard), null, RowMetric.Top1, PaperReferences.ClassHead),
            new(PaperTable.Heads, "dist", null, "hard", "convnet", "dist", C(Hard), "class", RowMetric.Top1, PaperReferences.DistillationHead),
            new(PaperTable.Heads, "both", null, "hard", "convnet", "both", C(Hard), "class", RowMetric.Top1, PaperReferences.BothHeads),
            // disagreement (Table 4)
            new(PaperTable.Disagreement, TeacherVsUndistilled, null, "none", "convnet", "class", TeacherVsUndistilled, null, RowMetric.Disagreement, PaperReferences.TeacherVsUndistilled),
            new(PaperTable.Disagreement, TeacherVsDistilled, null, "hard", "convnet", "both", TeacherVsDistilled, TeacherVsUndistilled, RowMetric.Disagreement, PaperReferences.TeacherVsDistilled),
            new(PaperTable.Disagreement, UndistilledVsDistilled, null, "hard", "convnet", "both", UndistilledVsDistilled, null, RowMetric.Disagreement, PaperReferences.UndistilledVsDistilled),
            // search: the paper's defaults (trial 0) vs the best found
            new(PaperTable.Search, "default", null, "none", null, null, C(Full), null, RowMetric.Top1, PaperReferences.SearchDefault),
            new(PaperTable.Search, "best found", null, "none", null, null, SearchPrefix, "default", RowMetric.Top1, PaperReferences.SearchBest),
        ];
    }
}
