namespace DeiT.Tuning.Training.Models;

/// <summary>A small-image ResNet: a 3×3 stem at <c>Widths[0]</c>, then one stage per width of
/// <see cref="BlocksPerStage"/> basic blocks (stride 2 at the start of every stage after the first).</summary>
public sealed record ConvNetConfig(IReadOnlyList<int> Widths, int BlocksPerStage, int ImageSize = 32);
