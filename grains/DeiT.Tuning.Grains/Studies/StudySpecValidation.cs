using DeiT.Tuning.Abstractions.Studies;

namespace DeiT.Tuning.Grains.Studies;

/// <summary>Checks a spec's numbers and runner before the study stores it; messages name the setting.</summary>
public static class StudySpecValidation
{
    public static void Validate(StudySpec spec, Search.Distributions.SearchSpace space)
    {
        StudyNames.Validate(spec.Name);
        if (spec.Trials < 1) throw new ArgumentException($"trials must be at least 1 (got {spec.Trials})");
        if (spec.Parallel < 1) throw new ArgumentException($"parallel must be at least 1 (got {spec.Parallel})");
        if (spec.TimeBudget is { } t && t <= TimeSpan.Zero) throw new ArgumentException($"time budget must be positive (got {t})");
        if (spec.TargetValue is { } target && !double.IsFinite(target)) throw new ArgumentException($"stop-at must be a finite value (got {target})");
        if (spec.Patience is < 1) throw new ArgumentException($"patience must be at least 1 trial (got {spec.Patience})");
        if (spec.HeartbeatTimeout <= TimeSpan.Zero) throw new ArgumentException("heartbeat timeout must be positive");
        if (spec.Runner.TrialTimeout is { } limit && limit <= TimeSpan.Zero) throw new ArgumentException($"trial timeout must be positive (got {limit})");
        if (spec.Runner.MaxTrialMemory is { } memory && memory <= 0) throw new ArgumentException($"max trial memory must be a positive number of bytes (got {memory})");
        _ = new Abstractions.Trials.EpochMetrics().Metric(spec.Metric); // throws naming the metric
        for (var i = 0; i < spec.Enqueued.Count; i++)
        {
            try
            {
                space.Validate(SearchAlgorithms.ToValues(spec.Enqueued[i]));
            }
            catch (Search.Distributions.SearchSpaceException e)
            {
                throw new ArgumentException($"enqueued configuration {i + 1}: {e.Message}");
            }
        }
        PlanProgress.Validate(spec.Plan);
        foreach (var observed in spec.Plan.Where(p => p.Observed))
        {
            try
            {
                space.Validate(SearchAlgorithms.ToValues(observed.Params).Where(p => space.Contains(p.Key)).ToDictionary());
            }
            catch (Search.Distributions.SearchSpaceException e)
            {
                throw new ArgumentException($"planned trial '{observed.Key}' is observed by the sampler, so its parameters must fit the space: {e.Message}");
            }
        }
        if (spec.Plan.Count > 0 && spec.Runner.Kind == RunnerKind.AskTell) throw new ArgumentException("an ask-and-tell study has no planned trials: the caller trains every trial");
        if (spec.Plan.Count > spec.Trials) throw new ArgumentException($"trials ({spec.Trials}) must cover the {spec.Plan.Count} planned trials");
        if (spec.Runner.Epochs < 1) throw new ArgumentException($"epochs must be at least 1 (got {spec.Runner.Epochs})");
        switch (spec.Runner.Kind)
        {
            case RunnerKind.Command when spec.Runner.Command.Count == 0:
                throw new ArgumentException("the command runner needs an argv template (--command)");
            case RunnerKind.Deit when spec.Runner.Dataset is null:
                throw new ArgumentException("the DeiT runner needs a dataset (--dataset KIND:ROOT, e.g. fashion-mnist:/usr/share/datasets/fashion-mnist)");
            case RunnerKind.Deit when spec.Runner.BatchSize < 1:
                throw new ArgumentException($"batch size must be at least 1 (got {spec.Runner.BatchSize})");
        }
        if (spec.Runner.Kind != RunnerKind.Deit) return;
        // A name the trainer does not know would fail every trial: refuse it before anything is stored.
        if (!Training.Data.DatasetCatalog.Kinds.Contains(spec.Runner.Dataset!.Kind))
            throw new ArgumentException($"dataset '{spec.Runner.Dataset.Kind}' is unknown; use one of: {string.Join(", ", Training.Data.DatasetCatalog.Kinds)}");
        foreach (var (setting, model) in new[] { ("model", spec.Runner.Model), ("teacher model", spec.Runner.TeacherModel) }
                     .Concat(spec.Plan.SelectMany(p => new[] { ($"planned trial '{p.Key}' model", p.Model), ($"planned trial '{p.Key}' teacher model", p.TeacherModel) })))
            if (model is not null && !Training.Models.ModelZoo.Names.Contains(model))
                throw new ArgumentException($"{setting} '{model}' is unknown; choose one of: {string.Join(", ", Training.Models.ModelZoo.Names)}");
        if (spec.Runner.Precision is { } precision) Training.Engine.PrecisionChoice.Parse(precision, "runner precision");
        if (space.Parameters.FirstOrDefault(p => !Trials.Runners.RecipeParameters.Names.Contains(p.Name) && p.Name != Trials.Runners.PrecisionParameter.Name) is { } unknown)
            throw new ArgumentException($"space parameter '{unknown.Name}' is not part of the DeiT recipe; the deit runner knows {string.Join(", ", Trials.Runners.RecipeParameters.Names)}");
        if (space.Contains("distillation") && spec.Runner.Teacher is null)
            throw new ArgumentException("the space searches 'distillation' but the study has no teacher: give --teacher and --teacher-model, or leave distillation out of the space");
        DeitSpaceFit.Fit(space, spec.Runner.Epochs); // throws for ranges the trainer cannot use at all
        foreach (var planned in spec.Plan)
        {
            try
            {
                Trials.Runners.RecipeParameters.Apply(Trials.Runners.RecipeParameters.Base(planned.Epochs, spec.Runner.BatchSize, spec.Runner.RepeatedAugmentation),
                    Trials.Runners.PrecisionParameter.RecipeOnly(planned.Params));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"planned trial '{planned.Key}': {e.Message}");
            }
        }
    }
}
