using DeiT.Tuning.Paper.Plan;

namespace DeiT.Tuning.Paper.Tests;

public class PaperPlanTests
{
    private static PaperPlan Quick(string study = "p1") => PaperPlanner.Create(new PaperPlanOptions(study, PaperBudget.Quick));

    [Theory]
    [InlineData(PaperBudget.Quick, 2, 30, 6, 36)]
    // standard/full: the DeiT teacher trains exactly as the full recipe does, so it is the full recipe's seed-0 trial
    [InlineData(PaperBudget.Standard, 3, 44, 9, 61)]
    [InlineData(PaperBudget.Full, 3, 44, 9, 77)]
    public void Plan_sizes_per_budget(PaperBudget budget, int seeds, int students, int evaluations, int runs)
    {
        var plan = PaperPlanner.Create(new PaperPlanOptions("p", budget));
        Assert.Equal(seeds, plan.Seeds.Count);
        Assert.Equal(2, plan.Teachers.Count);
        Assert.Equal(students, plan.Students.Count);   // 15 student configurations per seed
        Assert.Equal(evaluations, plan.Evaluations.Count);
        Assert.Equal(runs, plan.TrainingRuns);
        Assert.All(plan.Students, s => Assert.Equal(plan.Sizes.Epochs, s.Epochs));
        Assert.All(plan.Teachers, t => Assert.Equal(plan.Sizes.TeacherEpochs, t.Epochs));
        Assert.Equal(plan.Sizes.Epochs, plan.Search.Epochs);
    }

    [Fact]
    public void Quick_budget_uses_small_fashion_mnist_presets()
    {
        var plan = Quick();
        Assert.Equal("fashion-mnist", plan.Data.Dataset);
        Assert.All(plan.Trials, t => Assert.Contains(t.Model, new[] { "deit_micro_patch4_28", "deit_micro_distilled_patch4_28", "convnet_tiny" }));
        Assert.True(plan.Data.TrainLimit <= 3000);
        var full = PaperPlanner.Create(new PaperPlanOptions("p", PaperBudget.Full));
        Assert.Equal(300, full.Sizes.Epochs);
        Assert.Equal("deit_base_patch16_224", full.Sizes.StudentModel);
    }

    [Fact]
    public void Size_options_resize_a_budget_and_warmup_ends_before_the_last_epoch()
    {
        var plan = PaperPlanner.Create(new PaperPlanOptions("p", PaperBudget.Quick) { TrainLimit = 96, Epochs = 1, TeacherEpochs = 2, SearchTrials = 3 });
        Assert.Equal(96, plan.Data.TrainLimit);
        Assert.Equal(500, plan.Data.ValidationLimit); // the budget's where no option is given
        Assert.All(plan.Students, s => Assert.Equal(1, s.Epochs));
        Assert.All(plan.Teachers, t => Assert.Equal(2, t.Epochs));
        Assert.Equal(3, plan.Search.Trials);
        Assert.Equal(0, plan.Sizes.WarmupEpochs);
        Assert.NotEqual(Quick().Teachers[0].Key, plan.Teachers[0].Key); // another recipe or data: another teacher
    }

    [Theory]
    [InlineData("epochs", "--epochs 0: must be at least 1")]
    [InlineData("search", "--search-trials 0: must be at least 1")]
    public void Size_options_below_one_are_errors_naming_the_option(string which, string message)
    {
        var options = new PaperPlanOptions("p", PaperBudget.Quick);
        options = which == "epochs" ? options with { Epochs = 0 } : options with { SearchTrials = 0 };
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => PaperPlanner.Create(options)).Message);
    }

    [Fact]
    public void Too_few_seeds_is_an_error_naming_the_option_and_the_minimum()
    {
        var error = Assert.Throws<ArgumentException>(() => PaperPlanner.Create(new PaperPlanOptions("p", PaperBudget.Standard) { Seeds = 2 }));
        Assert.Contains("--seeds 2", error.Message);
        Assert.Contains("at least 3", error.Message);
    }

    [Fact]
    public void The_full_recipe_runs_once_per_seed_and_serves_every_table_that_needs_it()
    {
        var plan = Quick();
        var full = plan.Students.Where(s => s.Config == PaperPlanner.Full).ToList();
        Assert.Equal(plan.Seeds, full.Select(s => s.Seed));
        Assert.Equal(
            new[] { "ablation/full", "distillation/none", "search/default" },
            full[0].Serves.Select(r => $"{r.Table.Name()}/{r.Config}").Order());
        Assert.Equal(full[0].Key, plan.Search.TrialKey(0));
        Assert.Equal("search-001", plan.Search.TrialKey(1));
        var hard = plan.Students.First(s => s.Config == PaperPlanner.Hard);
        Assert.Equal(
            new[] { "distillation/hard", "heads/both", "heads/class", "heads/dist", "teacher/convnet teacher" },
            hard.Serves.Select(r => $"{r.Table.Name()}/{r.Config}").Order());
    }

    [Fact]
    public void No_two_trials_train_the_same_thing()
    {
        var plan = PaperPlanner.Create(new PaperPlanOptions("p", PaperBudget.Standard));
        var contents = plan.Trials.Select(t => $"{t.Model}|{t.Seed}|{t.TeacherKey}|{string.Join(",", t.Overrides.OrderBy(o => o.Name))}").ToList();
        Assert.Equal(contents.Count, contents.Distinct().Count());
        Assert.Equal(plan.Trials.Count(), plan.Trials.Select(t => t.Key).Distinct().Count());
    }

    [Fact]
    public void A_transformer_teacher_trained_like_the_full_recipe_is_the_full_recipes_seed_0_trial()
    {
        var plan = PaperPlanner.Create(new PaperPlanOptions("p", PaperBudget.Standard));
        var fullSeed0 = plan.TrialsOf(PaperPlanner.Full)[0];
        Assert.Equal(TrialRole.Teacher, fullSeed0.Role);
        Assert.StartsWith("teacher-deit_micro_patch4_28-", fullSeed0.Key);
        Assert.Contains(fullSeed0.Serves, r => r.Table == PaperTable.Teacher && r.Config == "deit teacher alone");
        Assert.All(plan.TrialsOf(PaperPlanner.HardFromTransformer), s => Assert.Equal(fullSeed0.Key, s.TeacherKey));
        Assert.Equal(plan.Seeds, plan.TrialsOf(PaperPlanner.Full).Select(t => t.Seed));
    }

    [Fact]
    public void Every_row_reads_configurations_the_plan_trains()
    {
        var plan = Quick();
        foreach (var row in plan.Rows)
        {
            if (row.Metric == RowMetric.Disagreement) Assert.Equal(plan.Seeds.Count, plan.EvaluationsOf(row.Source).Count);
            else if (row.Source != PaperPlanner.SearchPrefix) Assert.NotEmpty(plan.TrialsOf(row.Source));
            if (row.Baseline is not null) Assert.Single(plan.Rows, r => r.Table == row.Table && r.Config == row.Baseline);
        }
        Assert.Equal(12, plan.Rows.Count(r => r.Table == PaperTable.Ablation));
    }

    [Fact]
    public void A_teacher_has_the_same_key_in_every_study_with_the_same_model_data_recipe_and_seed()
    {
        var first = Quick("first");
        var second = Quick("second");
        Assert.Equal(first.Teachers.Select(t => t.Key), second.Teachers.Select(t => t.Key));
        var other = PaperPlanner.Create(new PaperPlanOptions("third", PaperBudget.Quick) { Dataset = "cifar10" });
        Assert.Empty(first.Teachers.Select(t => t.Key).Intersect(other.Teachers.Select(t => t.Key)));

        var recipe = new[] { RecipeOverride.Of("lr", 0.001), RecipeOverride.Of("epochs", 4) };
        var data = first.Data;
        Assert.Equal(new TeacherIdentity("convnet_tiny", data, recipe, 0).Key, new TeacherIdentity("convnet_tiny", data, recipe.Reverse().ToArray(), 0).Key);
        Assert.NotEqual(new TeacherIdentity("convnet_tiny", data, recipe, 0).Key, new TeacherIdentity("convnet_tiny", data, recipe, 1).Key);
        Assert.StartsWith("teacher-convnet_tiny-", new TeacherIdentity("convnet_tiny", data, recipe, 0).Key);
    }

    [Fact]
    public void Dependents_are_listed_per_teacher()
    {
        var plan = Quick();
        var conv = plan.Teachers.Single(t => t.Config == PaperPlanner.ConvNetTeacher);
        var deit = plan.Teachers.Single(t => t.Config == PaperPlanner.TransformerTeacher);

        var (convStudents, convEvaluations) = plan.DependentsOf(conv.Key);
        Assert.Equal(
            plan.Seeds.SelectMany(s => new[] { $"{PaperPlanner.Soft}-s{s}", $"{PaperPlanner.Hard}-s{s}" }).Order(),
            convStudents.Select(s => s.Key).Order());
        Assert.All(convStudents, s => Assert.Equal("convnet_tiny", s.TeacherModel));
        Assert.Equal(plan.Evaluations.Select(e => e.Key).Order(), convEvaluations.Select(e => e.Key).Order());

        var (deitStudents, deitEvaluations) = plan.DependentsOf(deit.Key);
        Assert.Equal(plan.Seeds.Select(s => $"{PaperPlanner.HardFromTransformer}-s{s}"), deitStudents.Select(s => s.Key));
        Assert.Empty(deitEvaluations);
        Assert.Equal($"teacher {conv.Key} failed: loss became NaN", PaperPlan.DependentFailure(conv.Key, "loss became NaN"));
    }

    [Fact]
    public void Teachers_come_before_the_students_that_wait_for_them()
    {
        var order = Quick().Trials.Select(t => t.Key).ToList();
        foreach (var student in Quick().Students.Where(s => s.TeacherKey is not null))
            Assert.True(order.IndexOf(student.TeacherKey!) < order.IndexOf(student.Key));
    }

    [Fact]
    public void Each_ablation_row_changes_exactly_its_ingredient()
    {
        var plan = Quick();
        var full = plan.TrialsOf(PaperPlanner.Full)[0].Overrides.ToDictionary(o => o.Name, o => o.ValueText);
        var expected = new Dictionary<string, string>
        {
            ["no-randaugment"] = "randaug_ops=0", ["autoaugment"] = "augmentation=autoaugment", ["no-mixup"] = "mixup_alpha=0",
            ["no-cutmix"] = "cutmix_alpha=0", ["no-erasing"] = "erasing_prob=0", ["no-stochastic-depth"] = "drop_path=0",
            ["no-repeated-augmentation"] = "repeated_augmentation=1", ["ema"] = "ema_decay=0.99",
            ["no-label-smoothing"] = "label_smoothing=0", ["no-warmup"] = "warmup_epochs=0", ["sgd"] = "optimizer=sgd",
        };
        foreach (var (config, change) in expected)
        {
            var overrides = plan.TrialsOf(config)[0].Overrides.ToDictionary(o => o.Name, o => o.ValueText);
            var differing = overrides.Where(o => !full.TryGetValue(o.Key, out var v) || v != o.Value).Select(o => $"{o.Key}={o.Value}").ToList();
            Assert.Equal([change], differing);
        }
    }

    [Fact]
    public void A_student_model_option_picks_its_distilled_twin()
    {
        var plan = PaperPlanner.Create(new PaperPlanOptions("p", PaperBudget.Standard) { StudentModel = "deit_tiny_patch4_32" });
        Assert.Contains(plan.Students, s => s.Model == "deit_tiny_distilled_patch4_32" && s.Config == PaperPlanner.Hard);
        Assert.Throws<ArgumentException>(() => PaperPlanner.Create(new PaperPlanOptions("p", PaperBudget.Quick) { StudentModel = "convnet_small" }));
    }
}
