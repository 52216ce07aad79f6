using DeiT.Tuning.Training.Augment;
using DeiT.Tuning.Training.Tests.Data;
using TorchSharp;
using TorchSharp.PyBridge;

namespace DeiT.Tuning.Training.Tests.Augment;

public class MixupCutmixTests
{
    private static string Parity(string file) => Path.Combine(DataTestFiles.Fixtures, "deit-parity", file);

    [Fact]
    public void Mixed_target_matches_the_reference()
    {
        var inputs = Safetensors.LoadStateDict(Parity("inputs.safetensors"));
        var expected = Safetensors.LoadStateDict(Parity("expected.safetensors"));
        try
        {
            var reference = expected["mixup_target"];
            int classes = (int)reference.shape[1];
            using var target = MixupCutmix.MixedTarget(inputs["labels"], classes, lam: 0.7, smoothing: 0.1);
            Assert.Equal(reference.shape, target.shape);
            Assert.Equal(torch.ScalarType.Float32, target.dtype);
            Assert.True(target.allclose(reference, rtol: 0, atol: 1e-6), "mixup_target differs from the reference by more than 1e-6");
            using var rowSums = target.sum(1);
            Assert.True(rowSums.allclose(torch.ones(rowSums.shape), atol: 1e-6));
        }
        finally
        {
            foreach (var t in inputs.Values.Concat(expected.Values)) t.Dispose();
        }
    }

    [Fact]
    public void Cutmix_box_is_clipped_and_lambda_corrected_to_its_area()
    {
        // λ 0.64 on 10×10: side ⌊10·0.6⌋ = 6, half 3; centre (1, 8) → rows [−2, 4) → [0, 4), cols [5, 11) → [5, 10).
        var box = MixupCutmix.CutmixBox(10, 10, 0.64, cy: 1, cx: 8);
        Assert.Equal((0, 4, 5, 10), (box.Top, box.Bottom, box.Left, box.Right));
        Assert.True(box.UseCutmix);
        Assert.Equal(1 - 20 / 100.0, box.Lambda, 12);
        // Unclipped: the full 6×6 box, λ back to 0.64.
        var inside = MixupCutmix.CutmixBox(10, 10, 0.64, cy: 5, cx: 5);
        Assert.Equal((2, 8, 2, 8, 0.64), (inside.Top, inside.Bottom, inside.Left, inside.Right, Math.Round(inside.Lambda, 12)));
        // Odd sides lose a pixel to the two ⌊side/2⌋ halves, as in timm: side ⌊9·0.6⌋ = 5 → 4 wide.
        var odd = MixupCutmix.CutmixBox(9, 9, 0.64, cy: 4, cx: 4);
        Assert.Equal((2, 6, 2, 6), (odd.Top, odd.Bottom, odd.Left, odd.Right));
        Assert.Equal(1 - 16 / 81.0, odd.Lambda, 12);
    }

    [Fact]
    public void Cutmix_pastes_the_flipped_batch_inside_the_box()
    {
        var mix = new MixupCutmix(0.8, 1.0, 1.0, 0.5, 0.1, numClasses: 3);
        using var images = torch.arange(3 * 1 * 4 * 4, dtype: torch.float32).reshape(3, 1, 4, 4);
        using var labels = torch.tensor(new long[] { 0, 1, 2 });
        var box = MixupCutmix.CutmixBox(4, 4, 0.75, cy: 1, cx: 2);   // side 2, rows [0, 2), cols [1, 3)
        var (mixed, target) = mix.Apply(images, labels, box);
        using (mixed)
        using (target)
        {
            Assert.Equal(0.75, box.Lambda, 12);
            for (int b = 0; b < 3; b++)
                for (int y = 0; y < 4; y++)
                    for (int x = 0; x < 4; x++)
                    {
                        bool inBox = y < 2 && x is >= 1 and < 3;
                        int source = inBox ? 2 - b : b;
                        Assert.Equal(images[source, 0, y, x].item<float>(), mixed[b, 0, y, x].item<float>());
                    }
            using var reference = MixupCutmix.MixedTarget(labels, 3, 0.75, 0.1);
            Assert.True(target.allclose(reference, rtol: 0, atol: 0));
            Assert.Equal(1f, images[0, 0, 0, 1].item<float>());   // the input is left alone
        }
    }

    [Fact]
    public void Mixup_blends_each_image_with_its_flipped_partner()
    {
        var mix = new MixupCutmix(0.8, 0, 1.0, 0.5, 0.0, numClasses: 4);
        using var images = torch.rand(4, 3, 5, 5);
        using var labels = torch.tensor(new long[] { 3, 1, 0, 2 });
        var (mixed, target) = mix.Apply(images, labels, new MixParameters(0.3, false));
        using (mixed)
        using (target)
        {
            using var expected = images * 0.3 + images.flip(0) * 0.7;
            Assert.True(mixed.allclose(expected, atol: 1e-6));
            Assert.Equal(new[] { 0f, 0, 0.7f, 0.3f }, target[0].data<float>().ToArray());   // λ·onehot(3) + (1−λ)·onehot(2)
        }
    }

    [Fact]
    public void Sampling_follows_timms_switch_and_beta_draws()
    {
        var both = new MixupCutmix(0.8, 1.0, 1.0, 0.5, 0.1, 10);
        var rng = new Random(1);
        var draws = Enumerable.Range(0, 4000).Select(_ => both.Sample(rng, 32, 32)).ToList();
        double cutmixShare = draws.Count(d => d.UseCutmix) / (double)draws.Count;
        Assert.InRange(cutmixShare, 0.45, 0.55);
        // Beta(0.8, 0.8) has mean ½; the CutMix λ, corrected to whole pixels, stays in [0, 1].
        Assert.InRange(draws.Where(d => !d.UseCutmix).Average(d => d.Lambda), 0.47, 0.53);
        Assert.All(draws.Where(d => d.UseCutmix), d =>
            Assert.Equal(1 - (double)(d.Bottom - d.Top) * (d.Right - d.Left) / 1024, d.Lambda, 12));

        var off = new MixupCutmix(0.8, 1.0, prob: 0.0, 0.5, 0.1, 10);
        Assert.Same(MixParameters.None, off.Sample(rng, 32, 32));
        var cutmixOnly = new MixupCutmix(0, 1.0, 1.0, 0.5, 0.1, 10);
        Assert.All(Enumerable.Range(0, 50).Select(_ => cutmixOnly.Sample(rng, 32, 32)), d => Assert.True(d.UseCutmix || d.Lambda == 1));
    }
}
