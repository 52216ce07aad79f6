using System.Text.Json;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Studies;
using DeiT.Tuning.Paper.Plan;
using DeiT.Tuning.Search.Distributions;
using DeiT.Tuning.Training.Data;

namespace DeiT.Tuning.Cli.Commands.Paper;

/// <summary>
/// The paper's plan as a study: the runner trains the student at the ablation rows' sizes; every planned trial (teachers
/// first, shared across studies) sets its model, epochs, seed and recipe overrides; the search samples the paper's knobs
/// and learns from the full recipe's seed-0 trial as its trial 0.
/// </summary>
public static class PaperStudySpec
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) } };

    public static string Options(PaperPlanOptions options) => JsonSerializer.Serialize(options, Json);

    public static PaperPlanOptions ReadOptions(StudySpec spec) =>
        spec.Paper is { } text
            ? JsonSerializer.Deserialize<PaperPlanOptions>(text, Json) ?? throw new InvalidDataException($"study {spec.Name} holds empty paper options")
            : throw new ArgumentException($"study {spec.Name} is not a paper study (start one with `deit-tune paper start`)");

    public static StudySpec Create(PaperPlan plan, PaperPlanOptions options, int parallel, string? precision)
    {
        var sizes = plan.Sizes;
        var runner = new TrialRunnerSpec
        {
            Kind = RunnerKind.Deit,
            Model = plan.Search.Model,
            Epochs = plan.Search.Epochs,
            BatchSize = sizes.BatchSize,
            RepeatedAugmentation = sizes.RepeatedAugmentation,
            Dataset = new DatasetSettings
            {
                Kind = plan.Data.Dataset,
                Root = plan.Data.Root ?? (plan.Data.Dataset == "fashion-mnist" ? DatasetCatalog.DefaultFashionMnistRoot
                    : throw new ArgumentException($"--data-root is required for --dataset {plan.Data.Dataset}: give the folder holding its files on the silos")),
                TrainLimit = plan.Data.TrainLimit,
                ValidationLimit = plan.Data.ValidationLimit,
                TestLimit = plan.Data.TestLimit,
            },
            Precision = precision,
        };
        var space = DeitSpaceFit.Fit(new SearchSpace(SearchSpace.DeitDefault.Parameters.Where(p => plan.Search.Parameters.Contains(p.Name))), runner.Epochs).Space;
        var planned = plan.Trials.Select(t => Planned(t, runner, space, observed: t.Key == plan.Search.DefaultTrialKey)).ToList();
        return new StudySpec
        {
            Name = plan.Study,
            Space = space.ToJson(),
            Sampler = plan.Search.Sampler,
            Pruner = "none",
            Metric = "top1",
            Trials = planned.Count + plan.Search.Trials - 1,
            Parallel = parallel,
            Runner = runner,
            Seed = plan.Search.Seed,
            Plan = planned,
            Paper = Options(options),
        };
    }

    /// <summary>A planned trial's overrides as parameters, leaving out what the runner already sets (epochs are the
    /// trial's own). The search's trial 0 carries every searched parameter (the space's defaults where the paper's recipe
    /// does not set one) so that the sampler can learn from it.</summary>
    private static PlannedTrialSpec Planned(PlannedTrial trial, TrialRunnerSpec runner, SearchSpace space, bool observed)
    {
        var parameters = new Dictionary<string, ParamSetting>();
        if (observed)
            foreach (var (name, value) in space.Defaults()) parameters[name] = new ParamSetting(value.IsChoice ? 0 : value.Number, value.Choice);
        foreach (var o in trial.Overrides)
        {
            if (o.Name == "epochs" || (o.Name == "batch_size" && o.Number == runner.BatchSize)
                || (o.Name == "repeated_augmentation" && o.Number == runner.RepeatedAugmentation)) continue;
            parameters[o.Name] = new ParamSetting(o.Number ?? 0, o.Choice);
        }
        return new PlannedTrialSpec
        {
            Key = trial.Key,
            Params = parameters,
            Seed = trial.Seed,
            Epochs = trial.Epochs,
            Model = trial.Model,
            Teacher = trial.TeacherKey,
            TeacherModel = trial.TeacherModel,
            Shared = trial.Role == TrialRole.Teacher,
            Observed = observed,
        };
    }
}
