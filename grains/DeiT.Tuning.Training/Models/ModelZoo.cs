namespace DeiT.Tuning.Training.Models;

/// <summary>Named presets: timm's DeiT sizes at 224, small-image DeiTs for 28×28 / 32×32, and ConvNet teachers.</summary>
public static class ModelZoo
{
    static readonly Dictionary<string, (int ImageSize, Func<string, ModelOptions, IImageClassifier> Create)> Presets = new()
    {
        ["deit_tiny_patch16_224"] = Vit(new(224, 16, 192, 12, 3)),
        ["deit_small_patch16_224"] = Vit(new(224, 16, 384, 12, 6)),
        ["deit_base_patch16_224"] = Vit(new(224, 16, 768, 12, 12)),
        ["deit_tiny_distilled_patch16_224"] = Vit(new(224, 16, 192, 12, 3, Distilled: true)),
        ["deit_small_distilled_patch16_224"] = Vit(new(224, 16, 384, 12, 6, Distilled: true)),
        ["deit_base_distilled_patch16_224"] = Vit(new(224, 16, 768, 12, 12, Distilled: true)),
        // A 224-pixel DeiT small enough to train on a few CPU cores (input-pipeline runs on real-size images).
        ["deit_micro_patch32_224"] = Vit(new(224, 32, 96, 6, 3)),
        ["deit_tiny_patch4_32"] = Vit(new(32, 4, 192, 12, 3)),
        ["deit_tiny_distilled_patch4_32"] = Vit(new(32, 4, 192, 12, 3, Distilled: true)),
        ["deit_micro_patch4_28"] = Vit(new(28, 4, 96, 6, 3)),
        ["deit_micro_distilled_patch4_28"] = Vit(new(28, 4, 96, 6, 3, Distilled: true)),
        ["convnet_tiny"] = Conv(new([16, 32, 64], BlocksPerStage: 1)),
        ["convnet_small"] = Conv(new([32, 64, 128], BlocksPerStage: 2)),
    };

    public static IReadOnlyList<string> Names { get; } = Presets.Keys.ToList();

    public static IImageClassifier Create(string name, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Preset(name).Create(name, options);
    }

    /// <summary>The input side the preset is built for (ModelOptions.ImageSize can change it).</summary>
    public static int ImageSize(string name) => Preset(name).ImageSize;

    static (int ImageSize, Func<string, ModelOptions, IImageClassifier> Create) Preset(string name) =>
        Presets.TryGetValue(name, out var preset)
            ? preset
            : throw new ArgumentException($"unknown model '{name}'; choose one of: {string.Join(", ", Names)}", nameof(name));

    static (int, Func<string, ModelOptions, IImageClassifier>) Vit(VisionTransformerConfig config) =>
        (config.ImageSize, (name, options) => config.Distilled
            ? new DistilledVisionTransformer(name, config, options)
            : new VisionTransformer(name, config, options));

    static (int, Func<string, ModelOptions, IImageClassifier>) Conv(ConvNetConfig config) =>
        (config.ImageSize, (name, options) => new ConvNet(name, config, options));
}
