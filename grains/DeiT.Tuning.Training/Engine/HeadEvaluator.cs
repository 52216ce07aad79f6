using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>Which output of a distilled DeiT classifies: the class token, the distillation token, or both — the mean of
/// the two heads' softmax, the DeiT paper's DeiT⚗ inference (timm's own eval forward averages logits instead).</summary>
public enum EvaluationHead { Class, Distillation, Both }

/// <summary>Top-1/top-5/loss of each head of a distilled model, from one pass over a split.</summary>
public sealed record HeadEvaluation(EvaluationResult Class, EvaluationResult Distillation, EvaluationResult Both)
{
    public EvaluationResult For(EvaluationHead head) => head switch
    {
        EvaluationHead.Class => Class,
        EvaluationHead.Distillation => Distillation,
        _ => Both,
    };
}

/// <summary>Class probabilities per head; accuracies and the mean negative log-likelihood of those probabilities.</summary>
public static class HeadEvaluator
{
    public static Tensor Probabilities(Tensor cls, Tensor dist, EvaluationHead head) => head switch
    {
        EvaluationHead.Class => cls.softmax(1),
        EvaluationHead.Distillation => dist.softmax(1),
        EvaluationHead.Both => cls.softmax(1).add_(dist.softmax(1)).div_(2),
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, null),
    };

    /// <summary>A model's class probabilities under a head; a model with one head answers Class and Both with it.</summary>
    public static Tensor Probabilities(IImageClassifier model, Tensor images, EvaluationHead head)
    {
        if (!model.HasDistillationHead)
        {
            if (head == EvaluationHead.Distillation)
                throw new ArgumentException($"Model '{model.PresetName}' has no distillation token: evaluate it with head class or both.");
            return model.ForwardEval(images).softmax(1);
        }
        var (cls, dist) = model.ForwardTrain(images);
        return Probabilities(cls, dist!, head);
    }

    /// <summary>The three heads of a distilled model over a split (one forward per batch, evaluation mode, no grad).</summary>
    public static HeadEvaluation Evaluate(IImageClassifier model, BatchLoader loader, Device device)
    {
        if (!model.HasDistillationHead)
            throw new ArgumentException($"Model '{model.PresetName}' has no distillation token, so it has no heads to compare.");
        var heads = Enum.GetValues<EvaluationHead>();
        var sums = new double[heads.Length, 3];
        var images = 0;
        using var mode = new EvaluationMode(model);
        foreach (var batch in loader.Epoch(0))
        {
            using var _ = batch;
            using var scope = torch.NewDisposeScope();
            var labels = batch.ToLabelsTensor(device);
            var (cls, dist) = model.ForwardTrain(batch.ToImagesTensor(device));
            for (int h = 0; h < heads.Length; h++)
            {
                var batchSums = Sums(Probabilities(cls, dist!, heads[h]), labels);
                for (int k = 0; k < 3; k++) sums[h, k] += batchSums[k];
            }
            images += batch.Count;
        }
        if (images == 0) throw new InvalidOperationException("Evaluation split holds no images; check the dataset limits and validation fraction.");
        EvaluationResult Result(int h) => new(sums[h, 1] / images, sums[h, 2] / images, sums[h, 0] / images, images);
        return new HeadEvaluation(Result(0), Result(1), Result(2));
    }

    /// <summary>[summed NLL, top-1 hits, top-5 hits] of a batch of probabilities.</summary>
    public static double[] Sums(Tensor probabilities, Tensor labels)
    {
        var k = (int)Math.Min(5, probabilities.shape[1]);
        var hits = probabilities.topk(k, dim: 1).indexes.eq(labels.unsqueeze(1));
        return torch.stack([
            nn.functional.nll_loss(probabilities.log(), labels, reduction: nn.Reduction.Sum).to(float64),
            hits[.., 0].sum().to(float64),
            hits.any(dim: 1).sum().to(float64),
        ]).cpu().data<double>().ToArray();
    }
}
