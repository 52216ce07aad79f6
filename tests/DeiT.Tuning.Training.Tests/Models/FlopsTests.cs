using DeiT.Tuning.Training.Models;

namespace DeiT.Tuning.Training.Tests.Models;

/// <summary>ForwardFlopsPerImage against a count written out by hand (2 per multiply-add).</summary>
public sealed class FlopsTests
{
    [Fact]
    public void Distilled_vit_counts_every_linear_conv_and_attention_product()
    {
        // 8×8 image, patch 4 → 4 patches + cls + dist = 6 tokens; dim 16, 2 blocks, MLP hidden 64, 5 classes, 3 channels.
        var model = new DistilledVisionTransformer("tiny", new VisionTransformerConfig(8, 4, 16, 2, 2), new ModelOptions { NumClasses = 5 });
        using var module = model.Module;
        const long patch = 2 * (4 * 4 * 3) * 16 * 4;          // conv: 48 MACs per output, 16 channels × 4 positions
        const long qkv = 2 * 6 * 16 * 48;
        const long attnProj = 2 * 6 * 16 * 16;
        const long scores = 2 * 6 * 6 * 16;                   // QKᵀ summed over heads: 6×6 scores of 8-dim heads × 2 heads
        const long weighted = 2 * 6 * 6 * 16;                 // A·V
        const long mlp = 2 * 6 * 16 * 64 + 2 * 6 * 64 * 16;
        const long heads = 2 * (2 * 16 * 5);
        Assert.Equal(patch + 2 * (qkv + attnProj + scores + weighted + mlp) + heads, model.ForwardFlopsPerImage);
    }

    [Fact]
    public void Convnet_counts_stem_blocks_shortcuts_and_head()
    {
        // convnet_tiny on 8×8 RGB: stem 3→16 at 8×8; stage1 16→16 at 8×8; stage2 16→32 at 4×4 (+1×1 shortcut);
        // stage3 32→64 at 2×2 (+1×1 shortcut); fc 64→10.
        var model = ModelZoo.Create("convnet_tiny", new ModelOptions { NumClasses = 10, ImageSize = 8 });
        using var module = model.Module;
        const long stem = 2 * 9 * 3 * 16 * 64;
        const long stage1 = 2 * (2 * 9 * 16 * 16 * 64);
        const long stage2 = 2 * 9 * 16 * 32 * 16 + 2 * 9 * 32 * 32 * 16 + 2 * 16 * 32 * 16;
        const long stage3 = 2 * 9 * 32 * 64 * 4 + 2 * 9 * 64 * 64 * 4 + 2 * 32 * 64 * 4;
        const long fc = 2 * 64 * 10;
        Assert.Equal(stem + stage1 + stage2 + stage3 + fc, model.ForwardFlopsPerImage);
    }
}
