namespace DeiT.Tuning.Training.Data;

/// <summary>Per-channel mean and standard deviation in [0,1] pixel units: x' = (x/255 − mean) / std.</summary>
public sealed class Normalization
{
    private readonly float[] _mean;
    private readonly float[] _std;

    public Normalization(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"Normalization needs one mean and one std per channel (got {mean.Count} means, {std.Count} stds).");
        if (std.Any(s => !(s > 0)))
            throw new ArgumentException("Normalization std must be positive for every channel.", nameof(std));
        _mean = mean.ToArray();
        _std = std.ToArray();
    }

    public IReadOnlyList<float> Mean => _mean;
    public IReadOnlyList<float> Std => _std;
    public int Channels => _mean.Length;

    public static Normalization FashionMnist { get; } = new([0.2860f], [0.3530f]);
    public static Normalization Mnist { get; } = new([0.1307f], [0.3081f]);
    public static Normalization Cifar10 { get; } = new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]);
    public static Normalization Cifar100 { get; } = new([0.5071f, 0.4865f, 0.4409f], [0.2673f, 0.2564f, 0.2762f]);
    public static Normalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>The mean as 8-bit pixel values, timm's `img_mean` fill for RandAugment's geometric ops.</summary>
    public byte[] MeanPixel() => _mean.Select(m => (byte)Math.Clamp(Math.Round(m * 255.0, MidpointRounding.ToEven), 0, 255)).ToArray();

    /// <summary>Writes the normalized floats of a CHW uint8 image.</summary>
    public void Apply(ReadOnlySpan<byte> chw, Span<float> output, int channels)
    {
        if (channels != _mean.Length)
            throw new ArgumentException($"Normalization has {_mean.Length} channels but the image has {channels}.");
        int plane = chw.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            float scale = 1f / (255f * _std[c]);
            float shift = _mean[c] / _std[c];
            var src = chw.Slice(c * plane, plane);
            var dst = output.Slice(c * plane, plane);
            for (int i = 0; i < src.Length; i++) dst[i] = src[i] * scale - shift;
        }
    }
}
