using System.Text.Json;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Models;
using DeiT.Tuning.Training.Tests.Data;
using DeiT.Tuning.Training.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Engine;

/// <summary>Fixtures/heads/heads.json: torch's per-head probabilities, top-1 and NLL of the parity fixture's distilled model
/// (class token, distillation token, and both = mean of the two softmaxes), written by make_fixture.py beside it.</summary>
public class HeadEvaluationTests(ParityFixture fixture) : IClassFixture<ParityFixture>
{
    private static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(DataTestFiles.RepoRoot, "tests", "DeiT.Tuning.Training.Tests", "Fixtures", "heads", "heads.json"))).RootElement;

    [Theory]
    [InlineData(EvaluationHead.Class, "class")]
    [InlineData(EvaluationHead.Distillation, "dist")]
    [InlineData(EvaluationHead.Both, "both")]
    public void Each_head_matches_torch_on_the_parity_fixture(EvaluationHead head, string name)
    {
        using var model = fixture.CreateModel();
        model.eval();
        using var _ = no_grad();
        var expected = Expected.GetProperty("heads").GetProperty(name);
        var probabilities = HeadEvaluator.Probabilities(model, fixture.X, head);

        var expectedProbabilities = expected.GetProperty("probabilities").EnumerateArray()
            .SelectMany(row => row.EnumerateArray().Select(v => v.GetDouble())).ToArray();
        var actual = probabilities.to(float64).flatten().data<double>().ToArray();
        Assert.Equal(expectedProbabilities.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(expectedProbabilities[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expectedProbabilities[i])),
                $"{name} probability {i}: torch {expectedProbabilities[i]}, ours {actual[i]}");

        var sums = HeadEvaluator.Sums(probabilities, fixture.Labels);
        int images = (int)fixture.Labels.shape[0];
        Assert.Equal(expected.GetProperty("loss").GetDouble(), sums[0] / images, 5);
        Assert.Equal(expected.GetProperty("top1").GetDouble(), sums[1] / images, 12);
        Assert.Equal(expected.GetProperty("predictions").EnumerateArray().Select(v => v.GetInt64()), probabilities.argmax(1).data<long>().ToArray());
    }

    [Fact]
    public void Both_heads_probabilities_are_the_mean_of_the_two_softmaxes_not_of_the_logits()
    {
        var skewed = HeadEvaluator.Probabilities(torch.tensor(new float[] { 0, 4 }, 1, 2), torch.tensor(new float[] { 0, -2 }, 1, 2), EvaluationHead.Both)
            .data<float>().ToArray();
        double softmaxMean = (1 / (1 + Math.Exp(4)) + 1 / (1 + Math.Exp(-2))) / 2;   // 0.4497
        double logitMean = 1 / (1 + Math.Exp(1));                                      // softmax of [0, 1]: 0.2689
        Assert.Equal(softmaxMean, skewed[0], 6);
        Assert.NotEqual(logitMean, skewed[0], 2);
    }
}

/// <summary>Disagreement of two classifiers' top-1 predictions, and the evaluator over a loader against the per-batch math.</summary>
public class DisagreementTests
{
    private static readonly ImageDataset Images = RandomImages(24);

    private static ImageDataset RandomImages(int count)
    {
        var rng = new Random(5);
        var pixels = new byte[count * 28 * 28];
        rng.NextBytes(pixels);
        return new ImageDataset("random", 1, 28, 28, pixels, Enumerable.Range(0, count).Select(i => i % 10).ToArray(),
            Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray(), Normalization.FashionMnist);
    }

    private static IImageClassifier Model(int seed)
    {
        torch.manual_seed(seed);
        return ModelZoo.Create("deit_micro_distilled_patch4_28", new ModelOptions { NumClasses = 10, InChannels = 1, ImageSize = 28 });
    }

    [Fact]
    public void Fraction_counts_the_images_whose_predictions_differ()
    {
        var result = Disagreement.Compare([1, 2, 3, 4], [1, 0, 3, 0], [1, 2, 3, 0]);
        Assert.Equal(0.5, result.Fraction);
        Assert.Equal(2, result.Differing);
        Assert.Equal(0.75, result.Top1A);
        Assert.Equal(0.75, result.Top1B);
        Assert.Throws<ArgumentException>(() => Disagreement.Compare([1], [1, 2], [1, 2]));
    }

    [Fact]
    public void Heads_disagreement_over_a_loader_matches_the_argmax_of_each_heads_logits()
    {
        var model = Model(3);
        using var _ = model.Module;
        using var loader = new BatchLoader(Images, new BatchLoaderOptions { BatchSize = 10 });
        var result = Disagreement.Compare(model, EvaluationHead.Class, model, EvaluationHead.Distillation, loader, CPU);

        model.Module.eval();
        using var noGrad = no_grad();
        var all = new float[Images.Count * 28 * 28];
        for (int i = 0; i < Images.Count; i++) Images.Normalization.Apply(Images.Image(i), all.AsSpan(i * 784, 784), 1);
        var (cls, dist) = model.ForwardTrain(torch.tensor(all, Images.Count, 1, 28, 28));
        var a = cls.argmax(1).data<long>().ToArray();
        var b = dist!.argmax(1).data<long>().ToArray();
        int differing = a.Zip(b, (x, y) => x != y ? 1 : 0).Sum();
        Assert.Equal(differing, result.Differing);
        Assert.Equal(Images.Count, result.Images);
        Assert.Equal(0, Disagreement.Compare(model, EvaluationHead.Both, model, EvaluationHead.Both, loader, CPU).Differing);
    }

    [Fact]
    public void Evaluating_the_three_heads_over_a_loader_agrees_with_each_heads_predictions()
    {
        var model = Model(4);
        using var _ = model.Module;
        using var loader = new BatchLoader(Images, new BatchLoaderOptions { BatchSize = 7 });
        var heads = HeadEvaluator.Evaluate(model, loader, CPU);
        foreach (var head in Enum.GetValues<EvaluationHead>())
        {
            var (predictions, labels) = Disagreement.Predict(model, head, loader, CPU);
            Assert.Equal(predictions.Zip(labels, (p, l) => p == l ? 1.0 : 0.0).Average(), heads.For(head).Top1, 12);
        }
    }

    [Fact]
    public void A_model_without_a_distillation_token_has_no_distillation_head()
    {
        torch.manual_seed(1);
        var plain = ModelZoo.Create("deit_micro_patch4_28", new ModelOptions { NumClasses = 10, InChannels = 1, ImageSize = 28 });
        using var _ = plain.Module;
        using var loader = new BatchLoader(Images, new BatchLoaderOptions { BatchSize = 8 });
        var error = Assert.Throws<ArgumentException>(() => Disagreement.Predict(plain, EvaluationHead.Distillation, loader, CPU));
        Assert.Contains("head class or both", error.Message);
    }
}
