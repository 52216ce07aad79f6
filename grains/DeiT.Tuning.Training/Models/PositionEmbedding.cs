using TorchSharp;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Models;

/// <summary>Resizes a learned absolute position embedding [1, prefix + g·g, dim] to a new patch grid:
/// the prefix tokens are kept, the square grid is resampled bicubically (align_corners false).</summary>
public static class PositionEmbedding
{
    public static Tensor Resize(Tensor posEmbed, int numPrefixTokens, int newGridHeight, int newGridWidth)
    {
        if (posEmbed.dim() != 3 || posEmbed.shape[0] != 1)
            throw new ArgumentException($"pos_embed must be [1, tokens, dim], got [{string.Join(", ", posEmbed.shape)}]", nameof(posEmbed));
        var gridTokens = posEmbed.shape[1] - numPrefixTokens;
        var oldGrid = (long)Math.Round(Math.Sqrt(gridTokens));
        if (gridTokens <= 0 || oldGrid * oldGrid != gridTokens)
            throw new ArgumentException($"pos_embed has {gridTokens} patch tokens after {numPrefixTokens} prefix tokens, not a square grid", nameof(posEmbed));
        var dim = posEmbed.shape[2];
        using var scope = NewDisposeScope();
        var prefix = posEmbed.narrow(1, 0, numPrefixTokens);
        var grid = posEmbed.narrow(1, numPrefixTokens, gridTokens).reshape(1, oldGrid, oldGrid, dim).permute(0, 3, 1, 2);
        var resized = nn.functional.interpolate(grid, [newGridHeight, newGridWidth], mode: InterpolationMode.Bicubic, align_corners: false)
            .permute(0, 2, 3, 1).reshape(1, (long)newGridHeight * newGridWidth, dim);
        return cat([prefix, resized], 1).MoveToOuterDisposeScope();
    }
}
