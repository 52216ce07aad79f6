using DeiT.Tuning.Training.Data;

namespace DeiT.Tuning.Training.Augment;

/// <summary>The first step on a decoded original of any size: a box of it, resized to the model's size×size, as CHW.</summary>
public interface IOriginalCrop
{
    string Name { get; }
    void Apply(DecodedImage original, Span<byte> chw, int size, Random? rng);
}
