using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Losses;
using DeiT.Tuning.Training.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Optim;

public sealed class AdamWParityTests(ITestOutputHelper output, ParityFixture fixture) : IClassFixture<ParityFixture>
{
    [Fact]
    public void One_step_from_the_hard_mixup_gradients_equals_the_reference()
    {
        var adamw = fixture.Json.GetProperty("adamw");
        Assert.Equal(DeitOptimizer.Beta1, adamw.GetProperty("betas")[0].GetDouble());
        Assert.Equal(DeitOptimizer.Beta2, adamw.GetProperty("betas")[1].GetDouble());
        Assert.Equal(DeitOptimizer.Eps, adamw.GetProperty("eps").GetDouble());

        using var model = fixture.CreateModel();
        model.train();
        using var optimizer = DeitOptimizer.Create(model, adamw.GetProperty("lr").GetDouble(), adamw.GetProperty("weight_decay").GetDouble());
        optimizer.zero_grad();
        var (cls, dist) = model.ForwardTrain(fixture.X);
        new DistillationLoss(DistillationType.Hard, fixture.Alpha, fixture.Tau)
            .Compute(cls, dist, fixture.MixedTarget(), fixture.TeacherLogits).backward();
        optimizer.step();

        var worst = 0.0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            var expected = fixture.Expected[$"adamw_step1.{name}"];
            worst = Math.Max(worst, TensorAssert.RelativeError(parameter, expected));
            TensorAssert.Close(parameter, expected, $"adamw_step1.{name}");
        }
        output.WriteLine($"AdamW step 1: worst max relative error {worst:E3}");
    }

    [Fact]
    public void No_weight_decay_group_holds_one_dimensional_parameters_and_tokens()
    {
        using var model = fixture.CreateModel();
        using var optimizer = DeitOptimizer.Create(model, 1e-3, 0.05);
        var groups = optimizer.ParamGroups.Cast<TorchSharp.Modules.ParamGroup>().ToList();
        Assert.Equal(2, groups.Count);
        var byHandle = model.named_parameters().ToDictionary(np => np.parameter.Handle, np => np.name);
        var noDecay = groups[1].Parameters.Select(p => byHandle[p.Handle]).ToHashSet();
        Assert.Contains("pos_embed", noDecay);
        Assert.Contains("cls_token", noDecay);
        Assert.Contains("dist_token", noDecay);
        Assert.Contains("blocks.0.norm1.weight", noDecay);
        Assert.Contains("head.bias", noDecay);
        Assert.All(groups[0].Parameters, p => Assert.True(p.dim() >= 2));
        Assert.DoesNotContain(groups[0].Parameters, p => noDecay.Contains(byHandle[p.Handle]));
        Assert.Equal(model.parameters().Count(), groups.Sum(g => g.Parameters.Count()));
    }

    [Fact]
    public void Learning_rate_scales_with_global_batch_over_512()
    {
        var recipe = new DeitRecipe { BaseLr = 5e-4 };
        Assert.Equal(5e-4 * 64 / 512, DeitOptimizer.ScaledLearningRate(recipe, 64), 15);
        using var model = fixture.CreateModel();
        using var optimizer = DeitOptimizer.Create(model, recipe, 1024);
        Assert.All(optimizer.ParamGroups, g => Assert.Equal(1e-3, g.LearningRate, 15));
    }
}
