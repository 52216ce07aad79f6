using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>
/// A model's top-1 prediction for every test image, in the split's order, under each head it has (a plain model:
/// <see cref="Class"/> only). Kept beside a trial's best weights so that any two trials on the same data can be compared
/// (the DeiT paper's disagreement table) and a distilled model's heads scored, without loading either model again.
/// </summary>
public sealed record TestPredictions(int[] Labels, int[] Class, int[]? Distillation, int[]? Both)
{
    public const string FileName = "test-predictions.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The predictions under a head: "class", "dist" or "both" (a plain model answers class and both alike).</summary>
    public int[] Of(EvaluationHead head) => head switch
    {
        EvaluationHead.Class => Class,
        EvaluationHead.Distillation => Distillation ?? throw new ArgumentException("the model has no distillation head"),
        _ => Both ?? Class,
    };

    public double Top1(EvaluationHead head)
    {
        var predictions = Of(head);
        return predictions.Length == 0 ? double.NaN : (double)predictions.Where((p, i) => p == Labels[i]).Count() / predictions.Length;
    }

    public static TestPredictions Predict(TrainingJob job, string weights, TrainingRunOptions run)
    {
        var (model, loader, device) = WeightsEvaluation.Open(job, weights, DatasetSplit.Test, run);
        using var module = model.Module;
        using var _ = loader;
        List<int> labels = [], cls = [], dist = [], both = [];
        using var mode = new EvaluationMode(model);
        foreach (var batch in loader.Epoch(0))
        {
            using var batchScope = batch;
            using var scope = torch.NewDisposeScope();
            var images = batch.ToImagesTensor(device);
            labels.AddRange(Ints(batch.ToLabelsTensor(CPU)));
            if (!model.HasDistillationHead)
            {
                cls.AddRange(Ints(model.ForwardEval(images).argmax(1)));
                continue;
            }
            var (c, d) = model.ForwardTrain(images);
            cls.AddRange(Ints(c.argmax(1)));
            dist.AddRange(Ints(d!.argmax(1)));
            both.AddRange(Ints(HeadEvaluator.Probabilities(c, d, EvaluationHead.Both).argmax(1)));
        }
        return model.HasDistillationHead ? new([.. labels], [.. cls], [.. dist], [.. both]) : new([.. labels], [.. cls], null, null);
    }

    public void Save(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }

    public static TestPredictions? Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<TestPredictions>(File.ReadAllText(path), Json) : null;

    private static int[] Ints(Tensor values) => values.to(int32).cpu().data<int>().ToArray();
}
