using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>Two classifiers on the same images: the fraction whose top-1 predictions differ (the DeiT paper's Table 4)
/// and each one's top-1 accuracy.</summary>
public sealed record DisagreementResult(double Fraction, int Differing, int Images, double Top1A, double Top1B);

public static class Disagreement
{
    /// <summary>Top-1 predictions and labels of a model under a head, in the loader's (unshuffled) order.</summary>
    public static (int[] Predictions, int[] Labels) Predict(IImageClassifier model, EvaluationHead head, BatchLoader loader, Device device)
    {
        var predictions = new List<int>();
        var labels = new List<int>();
        using var mode = new EvaluationMode(model);
        foreach (var batch in loader.Epoch(0))
        {
            using var _ = batch;
            using var scope = torch.NewDisposeScope();
            var probabilities = HeadEvaluator.Probabilities(model, batch.ToImagesTensor(device), head);
            predictions.AddRange(probabilities.argmax(1).to(int32).cpu().data<int>().ToArray());
            labels.AddRange(batch.ToLabelsTensor(CPU).to(int32).data<int>().ToArray());
        }
        return (predictions.ToArray(), labels.ToArray());
    }

    public static DisagreementResult Compare(IReadOnlyList<int> a, IReadOnlyList<int> b, IReadOnlyList<int> labels)
    {
        if (a.Count != b.Count || a.Count != labels.Count)
            throw new ArgumentException($"Disagreement needs predictions of the same images: {a.Count} and {b.Count} predictions, {labels.Count} labels.");
        if (a.Count == 0) throw new ArgumentException("Disagreement needs at least one image.");
        int differing = 0, hitsA = 0, hitsB = 0;
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] != b[i]) differing++;
            if (a[i] == labels[i]) hitsA++;
            if (b[i] == labels[i]) hitsB++;
        }
        return new DisagreementResult((double)differing / a.Count, differing, a.Count, (double)hitsA / a.Count, (double)hitsB / a.Count);
    }

    public static DisagreementResult Compare(IImageClassifier a, EvaluationHead headA, IImageClassifier b, EvaluationHead headB,
        BatchLoader loader, Device device)
    {
        var (predictionsA, labels) = Predict(a, headA, loader, device);
        var (predictionsB, _) = Predict(b, headB, loader, device);
        return Compare(predictionsA, predictionsB, labels);
    }
}
