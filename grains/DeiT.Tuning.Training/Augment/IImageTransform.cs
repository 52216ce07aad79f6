namespace DeiT.Tuning.Training.Augment;

/// <summary>Turns one uint8 CHW image into normalized floats; all randomness comes from <paramref name="rng"/>.</summary>
public interface IImageTransform
{
    void Apply(ReadOnlySpan<byte> chw, Span<float> output, int c, int h, int w, Random rng);
}

/// <summary>An in-place augmentation of a uint8 CHW image (before normalization).</summary>
public interface IPixelAugmentation
{
    string Name { get; }
    void Apply(Span<byte> chw, int c, int h, int w, Random rng);
}

/// <summary>An in-place augmentation of a normalized float CHW image.</summary>
public interface ITensorAugmentation
{
    string Name { get; }
    void Apply(Span<float> chw, int c, int h, int w, Random rng);
}
