using DeiT.Tuning.Training.Models;
using DeiT.Tuning.Training.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Models;

/// <summary>The DeiT forward against the PyTorch reference (../shared/fixtures/deit-parity).</summary>
public sealed class ParityTests(ITestOutputHelper output, ParityFixture fixture) : IClassFixture<ParityFixture>
{
    [Fact]
    public void Evaluation_logits_are_the_mean_of_both_heads_as_the_reference()
    {
        using var model = fixture.CreateModel();
        model.eval();
        using var _ = no_grad();
        var logits = model.ForwardEval(fixture.X);
        Report("eval_logits", logits);
        TensorAssert.Close(logits, fixture.Expected["eval_logits"], "eval_logits");
    }

    [Fact]
    public void Training_forward_returns_both_heads_as_the_reference()
    {
        using var model = fixture.CreateModel();
        model.train();
        var (cls, dist) = model.ForwardTrain(fixture.X);
        Assert.NotNull(dist);
        Report("train_cls_logits", cls);
        Report("train_dist_logits", dist!);
        TensorAssert.Close(cls, fixture.Expected["train_cls_logits"], "train_cls_logits");
        TensorAssert.Close(dist!, fixture.Expected["train_dist_logits"], "train_dist_logits");
    }

    [Fact]
    public void Position_embedding_resizes_bicubically_keeping_both_tokens()
    {
        var grid = fixture.Json.GetProperty("pos_embed_resized_grid");
        var (h, w) = (grid[0].GetInt32(), grid[1].GetInt32());
        using var model = fixture.CreateModel();
        var posEmbed = model.state_dict()["pos_embed"];
        var resized = PositionEmbedding.Resize(posEmbed, numPrefixTokens: 2, h, w);
        Report("pos_embed_resized", resized);
        TensorAssert.Close(resized, fixture.Expected["pos_embed_resized"], "pos_embed_resized");
    }

    [Fact]
    public void Loading_at_a_larger_image_size_resizes_the_position_embedding()
    {
        var grid = fixture.Json.GetProperty("pos_embed_resized_grid")[0].GetInt32();
        using var model = new DistilledVisionTransformer("parity", fixture.ModelConfig, new ModelOptions
        {
            NumClasses = fixture.NumClasses,
            ImageSize = grid * fixture.ModelConfig.PatchSize,
        });
        ModelIo.Load(model, fixture.WeightsPath);
        TensorAssert.Close(model.state_dict()["pos_embed"], fixture.Expected["pos_embed_resized"], "pos_embed after load");
    }

    void Report(string name, Tensor actual) =>
        output.WriteLine($"{name}: max relative error {TensorAssert.RelativeError(actual, fixture.Expected[name]):E3}");
}
