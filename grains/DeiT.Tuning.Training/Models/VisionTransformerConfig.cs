namespace DeiT.Tuning.Training.Models;

/// <summary>Architecture of a DeiT preset; the image size is the preset's default (ModelOptions may override it).</summary>
public sealed record VisionTransformerConfig(
    int ImageSize,
    int PatchSize,
    int EmbedDim,
    int Depth,
    int NumHeads,
    double MlpRatio = 4.0,
    bool Distilled = false);
