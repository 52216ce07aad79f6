using DeiT.Tuning.Training.Augment;

namespace DeiT.Tuning.Training.Data;

/// <summary>
/// torchvision's FakeData for the DeiT pipeline: random RGB originals of ImageNet's typical 500×375 with random labels,
/// each a pure function of (seed, image number), rendered at size×size through the same train and evaluation transforms
/// as an ImageFolder. For checking a host end to end and measuring a trial's throughput without a dataset: there is
/// nothing in it to learn, and no decoding to pay for.
/// </summary>
public sealed class FakeImageSet : IOriginalImageSet
{
    public const int OriginalWidth = 500;
    public const int OriginalHeight = 375;

    private readonly int[] _images;
    private readonly int[] _labels;
    private readonly int _seed;

    public FakeImageSet(string name, int count, int classes, int size, int seed)
        : this(name, Enumerable.Range(0, count).ToArray(), ClassNamesFor(classes), size, seed) { }

    private FakeImageSet(string name, int[] images, IReadOnlyList<string> classNames, int size, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Name = name;
        _images = images;
        _seed = seed;
        _labels = images.Select(i => (int)(SeedMix.Mix(seed, i, LabelStream) % (ulong)classNames.Count)).ToArray();
        ClassNames = classNames;
        Height = Width = size;
    }

    private static string[] ClassNamesFor(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        return Enumerable.Range(0, classes).Select(c => $"class{c}").ToArray();
    }

    public string Name { get; }
    public int Count => _images.Length;
    public int Channels => 3;
    public int Height { get; }
    public int Width { get; }
    public IReadOnlyList<int> Labels => _labels;
    public IReadOnlyList<string> ClassNames { get; }
    public Normalization Normalization => Normalization.ImageNet;

    /// <summary>Image <paramref name="index"/>'s original: uniform random bytes from (seed, its number).</summary>
    public DecodedImage Original(int index)
    {
        var image = new DecodedImage(OriginalWidth, OriginalHeight);
        var state = SeedMix.Mix(_seed, _images[index], PixelStream) | 1;
        var pixels = image.Pixels;
        for (var at = 0; at < pixels.Length; at += 8)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            var word = state;
            for (var k = 0; k < 8 && at + k < pixels.Length; k++, word >>= 8) pixels[at + k] = (byte)word;
        }
        return image;
    }

    public void Render(int index, Span<float> output, IImageTransform? transform, Random? rng)
    {
        using var original = Original(index);
        OriginalImage.Render(this, original, output, transform, rng, EvalCrop);
    }

    public IImageSet Subset(IReadOnlyList<int> indices)
    {
        foreach (var i in indices)
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"{Name}: index {i} is outside 0..{Count - 1}.");
        return new FakeImageSet(Name, indices.Select(i => _images[i]).ToArray(), ClassNames, Height, _seed);
    }

    private static readonly IOriginalCrop EvalCrop = new ResizeCenterCrop();
    private const long LabelStream = 0xFA4E1;
    private const long PixelStream = 0xFA4E2;
}
