namespace DeiT.Tuning.Training.Augment;

/// <summary>Mirror left–right with probability p.</summary>
public sealed class RandomHorizontalFlip(double probability = 0.5) : IPixelAugmentation
{
    public string Name => $"HorizontalFlip(p {probability})";

    public void Apply(Span<byte> chw, int c, int h, int w, Random rng)
    {
        if (rng.NextDouble() >= probability) return;
        for (int r = 0; r < c * h; r++) chw.Slice(r * w, w).Reverse();
    }
}
