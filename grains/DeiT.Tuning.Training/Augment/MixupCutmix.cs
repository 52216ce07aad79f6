using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Augment;

/// <summary>
/// timm's Mixup in batch mode: each image mixes with its partner in the flipped batch (i ↔ B−1−i). With probability
/// `prob` a batch is mixed, by CutMix with probability `switchProb` (when both α are positive) else Mixup, λ ~ Beta(α, α);
/// CutMix's λ becomes 1 − (clipped box area)/(H·W). Label smoothing is folded into the mixed soft target.
/// timm asserts an even batch; here an odd batch is allowed (its middle image pairs with itself and stays unmixed).
/// </summary>
public sealed class MixupCutmix
{
    public MixupCutmix(double mixupAlpha, double cutmixAlpha, double prob, double switchProb, double labelSmoothing, int numClasses)
    {
        if (mixupAlpha < 0 || cutmixAlpha < 0) throw new ArgumentOutOfRangeException(nameof(mixupAlpha), $"Mixup/CutMix alphas must be non-negative (got {mixupAlpha}, {cutmixAlpha}).");
        if (prob is < 0 or > 1 || switchProb is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(prob), $"Mixup prob and switch prob must be in [0, 1] (got {prob}, {switchProb}).");
        if (labelSmoothing is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"Label smoothing must be in [0, 1), got {labelSmoothing}.");
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), $"numClasses must be positive, got {numClasses}.");
        MixupAlpha = mixupAlpha;
        CutmixAlpha = cutmixAlpha;
        Prob = prob;
        SwitchProb = switchProb;
        LabelSmoothing = labelSmoothing;
        NumClasses = numClasses;
    }

    public double MixupAlpha { get; }
    public double CutmixAlpha { get; }
    public double Prob { get; }
    public double SwitchProb { get; }
    public double LabelSmoothing { get; }
    public int NumClasses { get; }
    public bool Enabled => Prob > 0 && (MixupAlpha > 0 || CutmixAlpha > 0);

    /// <summary>timm `_params_per_batch` and, for CutMix, the random box with its corrected λ.</summary>
    public MixParameters Sample(Random rng, int height, int width)
    {
        if (!Enabled || rng.NextDouble() >= Prob) return MixParameters.None;
        bool cutmix;
        double lam;
        if (MixupAlpha > 0 && CutmixAlpha > 0)
        {
            cutmix = rng.NextDouble() < SwitchProb;
            lam = rng.Beta(cutmix ? CutmixAlpha : MixupAlpha, cutmix ? CutmixAlpha : MixupAlpha);
        }
        else if (MixupAlpha > 0)
        {
            cutmix = false;
            lam = rng.Beta(MixupAlpha, MixupAlpha);
        }
        else
        {
            cutmix = true;
            lam = rng.Beta(CutmixAlpha, CutmixAlpha);
        }
        if (lam == 1.0) return MixParameters.None;
        return cutmix ? CutmixBox(height, width, lam, rng.Next(0, height), rng.Next(0, width)) : new MixParameters(lam, false);
    }

    /// <summary>timm rand_bbox around (cy, cx) with sides ⌊H·√(1−λ)⌋, ⌊W·√(1−λ)⌋, clipped; λ corrected to the clipped area.</summary>
    public static MixParameters CutmixBox(int height, int width, double lam, int cy, int cx)
    {
        double ratio = Math.Sqrt(1 - lam);
        int cutH = (int)(height * ratio), cutW = (int)(width * ratio);
        int top = Math.Clamp(cy - cutH / 2, 0, height), bottom = Math.Clamp(cy + cutH / 2, 0, height);
        int left = Math.Clamp(cx - cutW / 2, 0, width), right = Math.Clamp(cx + cutW / 2, 0, width);
        double corrected = 1.0 - (double)(bottom - top) * (right - left) / (height * width);
        return new MixParameters(corrected, true, top, bottom, left, right);
    }

    public (Tensor Images, Tensor Target) Apply(Tensor images, Tensor labels, Random rng) =>
        Apply(images, labels, Sample(rng, (int)images.shape[2], (int)images.shape[3]));

    /// <summary>Mixed images (a new tensor; the input is left alone) and the smoothed, mixed soft target [B, K].</summary>
    public (Tensor Images, Tensor Target) Apply(Tensor images, Tensor labels, MixParameters mix)
    {
        if (images.shape[0] != labels.shape[0])
            throw new ArgumentException($"Mixup needs one label per image: {images.shape[0]} images, {labels.shape[0]} labels.");
        var target = MixedTarget(labels, NumClasses, mix.Lambda, LabelSmoothing);
        if (mix.Lambda == 1.0) return (images.alias(), target);
        using var flipped = images.flip(0);
        if (!mix.UseCutmix)
        {
            using var a = images.mul(mix.Lambda);
            using var b = flipped.mul(1.0 - mix.Lambda);
            return (a.add(b), target);
        }
        var mixed = images.clone();
        TensorIndex[] box = [TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(mix.Top, mix.Bottom), TensorIndex.Slice(mix.Left, mix.Right)];
        using var patch = flipped.index(box);
        mixed.index_put_(patch, box);
        return (mixed, target);
    }

    /// <summary>timm mixup_target: λ·onehot(y) + (1−λ)·onehot(flip(y)), with on = 1 − s + s/K and off = s/K.</summary>
    public static Tensor MixedTarget(Tensor labels, int numClasses, double lam, double smoothing)
    {
        double off = smoothing / numClasses, on = 1.0 - smoothing + off;
        using var y1 = OneHot(labels, numClasses, on, off);
        using var flippedLabels = labels.flip(0);
        using var y2 = OneHot(flippedLabels, numClasses, on, off);
        using var a = y1.mul(lam);
        using var b = y2.mul(1.0 - lam);
        return a.add(b);
    }

    private static Tensor OneHot(Tensor labels, int numClasses, double on, double off)
    {
        long batch = labels.shape[0];
        using var index = labels.to_type(ScalarType.Int64).view(-1, 1);
        using var value = torch.full([batch, 1], on, ScalarType.Float32, labels.device);
        return torch.full([batch, numClasses], off, ScalarType.Float32, labels.device).scatter_(1, index, value);
    }
}
