using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Layers;
using DeiT.Tuning.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>Top-1 / top-5 accuracy (fractions in [0, 1]) and mean cross-entropy of a classifier over a data split,
/// in the precision the model trains in (<paramref name="computeType"/>: the low type of mixed precision, null for fp32).</summary>
public static class Evaluator
{
    public static EvaluationResult Evaluate(IImageClassifier model, BatchLoader loader, Device device, ScalarType? computeType = null)
    {
        var module = model.Module;
        var wasTraining = module.training;
        module.eval();
        try
        {
            using var noGrad = torch.no_grad();
            double lossSum = 0, top1 = 0, topK = 0;
            var images = 0;
            foreach (var batch in loader.Epoch(0))
            {
                using var _ = batch;
                using var scope = torch.NewDisposeScope();
                var input = batch.ToImagesTensor(device);
                var labels = batch.ToLabelsTensor(device);
                Tensor logits;
                using (Autocast.Enter(computeType))
                    logits = model.ForwardEval(input).to(float32);
                var k = (int)Math.Min(5, logits.shape[1]);
                var hits = logits.topk(k, dim: 1).indexes.eq(labels.unsqueeze(1));
                var sums = torch.stack([
                    nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).to(float64),
                    hits[.., 0].sum().to(float64),
                    hits.any(dim: 1).sum().to(float64),
                ]).cpu().data<double>().ToArray();
                lossSum += sums[0];
                top1 += sums[1];
                topK += sums[2];
                images += batch.Count;
            }
            if (images == 0) throw new InvalidOperationException("Evaluation split holds no images; check the dataset limits and validation fraction.");
            return new EvaluationResult(top1 / images, topK / images, lossSum / images, images);
        }
        finally
        {
            module.train(wasTraining);
        }
    }
}
