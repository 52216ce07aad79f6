using DeiT.Tuning.Training.Augment;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Tests.Data;

namespace DeiT.Tuning.Training.Tests.Augment;

public class AugmentationTests
{
    private static byte[] Ramp(int c, int h, int w) => Enumerable.Range(0, c * h * w).Select(i => (byte)(i % 251 + 1)).ToArray();

    [Fact]
    public void Crop_with_padding_shifts_the_image_and_fills_zeros()
    {
        var x = Ramp(2, 5, 6);
        var shifted = x.ToArray();
        RandomCropWithPadding.Shift(shifted, 2, 5, 6, dy: 2, dx: -1);
        for (int c = 0; c < 2; c++)
            for (int y = 0; y < 5; y++)
                for (int xx = 0; xx < 6; xx++)
                {
                    int sy = y + 2, sx = xx - 1;
                    byte expected = sy is >= 0 and < 5 && sx is >= 0 and < 6 ? x[c * 30 + sy * 6 + sx] : (byte)0;
                    Assert.Equal(expected, shifted[c * 30 + y * 6 + xx]);
                }
        // Every offset in [−4, 4]² appears and nothing else.
        var crop = new RandomCropWithPadding(4);
        var rng = new Random(0);
        var seen = new HashSet<(int, int)>();
        var probe = new byte[9 * 9];
        for (int i = 0; i < 2000; i++)
        {
            Array.Clear(probe);
            probe[4 * 9 + 4] = 1;   // a dot in the middle of a 9×9 image reveals the offset
            crop.Apply(probe, 1, 9, 9, rng);
            int at = Array.IndexOf(probe, (byte)1);
            seen.Add((4 - at / 9, 4 - at % 9));
        }
        Assert.Equal(81, seen.Count);
        Assert.All(seen, s => Assert.True(Math.Abs(s.Item1) <= 4 && Math.Abs(s.Item2) <= 4));
    }

    [Fact]
    public void Horizontal_flip_mirrors_rows_half_the_time()
    {
        var flip = new RandomHorizontalFlip();
        var rng = new Random(2);
        int flipped = 0;
        for (int i = 0; i < 1000; i++)
        {
            byte[] x = [1, 2, 3, 4, 5, 6];   // 1 channel, 2 rows of 3
            flip.Apply(x, 1, 2, 3, rng);
            if (x[0] == 3)
            {
                flipped++;
                Assert.Equal(new byte[] { 3, 2, 1, 6, 5, 4 }, x);
            }
            else Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, x);
        }
        Assert.InRange(flipped, 450, 550);
    }

    [Fact]
    public void Random_erasing_fills_one_box_with_noise_within_timms_area_and_aspect_bounds()
    {
        var erasing = new RandomErasing(1.0);
        var rng = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            var image = new float[3 * 32 * 32];
            Array.Fill(image, 7f);
            erasing.Apply(image, 3, 32, 32, rng);
            var erased = Enumerable.Range(0, 32 * 32).Where(p => image[p] != 7f).ToArray();
            int area = erased.Length;
            Assert.InRange(area, 1, 1024 / 3 + 64);
            int top = erased.Min() / 32, bottom = erased.Max() / 32, left = erased.Min(p => p % 32), right = erased.Max(p => p % 32);
            int h = bottom - top + 1, w = right - left + 1;
            Assert.Equal(h * w, area);                                     // a rectangle
            Assert.All(erased, p => Assert.NotEqual(7f, image[2 * 1024 + p]));   // every channel
            Assert.InRange(area, 0.02 * 1024 - 2 * 32, 1024 / 3.0 + 2 * 32);
        }
        var noise = new float[3 * 32 * 32];
        var never = new RandomErasing(0.0);
        never.Apply(noise, 3, 32, 32, rng);
        Assert.All(noise, v => Assert.Equal(0f, v));

        // The fill is standard normal noise: a large erased box has mean ≈ 0, variance ≈ 1.
        var big = new float[3 * 64 * 64];
        new RandomErasing(1.0, minArea: 0.3, maxArea: 0.33).Apply(big, 3, 64, 64, new Random(9));
        var values = big.Where(v => v != 0).ToArray();
        Assert.InRange(values.Average(), -0.1, 0.1);
        Assert.InRange(values.Select(v => v * v).Average(), 0.9, 1.1);
    }

    [Fact]
    public void Randaugment_applies_about_half_its_ops_and_is_a_pure_function_of_the_rng()
    {
        var image = DataTestFiles.FashionMnist.Train.Stored().Image(0).ToArray();
        var ra = new RandAugment(2, 9, 0.5, [73]);
        var a = image.ToArray();
        var b = image.ToArray();
        ra.Apply(a, 1, 28, 28, new Random(42));
        ra.Apply(b, 1, 28, 28, new Random(42));
        Assert.Equal(a, b);

        // n = 1: the image changes in at most about half the draws (p ½, a few ops can be identities here).
        var one = new RandAugment(1, 9, 0.5, [73]);
        var rng = new Random(1);
        int changed = 0;
        for (int i = 0; i < 400; i++)
        {
            var x = image.ToArray();
            one.Apply(x, 1, 28, 28, rng);
            if (!x.AsSpan().SequenceEqual(image)) changed++;
        }
        Assert.InRange(changed, 140, 230);
        var none = image.ToArray();
        new RandAugment(0, 9, 0.5, [73]).Apply(none, 1, 28, 28, rng);
        Assert.Equal(image, none);
    }

    [Fact]
    public void Train_transform_list_comes_from_recipe_and_dataset()
    {
        var fashion = DataTestFiles.FashionMnist.Train.Stored();
        var deit = TrainTransforms.ForRecipe(new DeitRecipe(), fashion);
        Assert.Equal(new[] { "RandomCrop(pad 4)", "HorizontalFlip(p 0.5)", "RandAugment(n 2, m 9, std 0.5, inc, bicubic)", "Normalize", "RandomErasing(p 0.25, pixel)" },
            deit.StepNames);
        var ra = Assert.IsType<RandAugment>(deit.PixelSteps[2]);
        Assert.Equal(73, Assert.Single(ra.Fill));   // round(0.2860 · 255)

        var plain = TrainTransforms.ForRecipe(new DeitRecipe { RandAugOps = 0, ErasingProb = 0 }, fashion);
        Assert.Equal(new[] { "RandomCrop(pad 4)", "HorizontalFlip(p 0.5)", "Normalize" }, plain.StepNames);

        var large = new ImageDataset("big", 3, 96, 96, new byte[3 * 96 * 96], [0], ["only"], Normalization.ImageNet);
        var forLarge = TrainTransforms.ForRecipe(new DeitRecipe { RandAugOps = 1, RandAugMagnitude = 5 }, large);
        Assert.Equal("RandomResizedCrop(scale 0.08–1)", forLarge.StepNames[0]);
        Assert.Equal(new byte[] { 124, 116, 104 }, Assert.IsType<RandAugment>(forLarge.PixelSteps[2]).Fill);
    }

    [Fact]
    public void Train_transform_is_deterministic_per_rng_and_normalizes()
    {
        var fashion = DataTestFiles.FashionMnist.Train.Stored();
        var transform = TrainTransforms.ForRecipe(new DeitRecipe(), fashion);
        var image = fashion.Image(3);
        float[] a = new float[784], b = new float[784], c = new float[784];
        transform.Apply(image, a, 1, 28, 28, new Random(8));
        transform.Apply(image, b, 1, 28, 28, new Random(8));
        transform.Apply(image, c, 1, 28, 28, new Random(9));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);

        // With every augmentation off only the normalization is left.
        var bare = new TransformPipeline([], fashion.Normalization, []);
        bare.Apply(image, a, 1, 28, 28, new Random(0));
        Assert.Equal((image[300] / 255f - 0.2860f) / 0.3530f, a[300], 5);
    }

    [Theory]
    [InlineData(PilResampling.Bilinear, new byte[] { 0, 50, 100, 100, 9 })]
    // PIL's a = −1 cubic: at x=2 the samples 0,100,100,100 at d=½ give 100 + ½(100 + ½(−200 + ½·100)) = 112.5 → 112.
    [InlineData(PilResampling.Bicubic, new byte[] { 0, 50, 112, 100, 9 })]
    public void HalfPixelTranslationSamplesBetweenNeighbours(PilResampling resampling, byte[] expected)
    {
        byte[] row = [0, 0, 100, 100, 100];
        PilAffine.Transform(row, 1, 1, 5, PilAffine.TranslateX(0.5), [9], resampling);
        Assert.Equal(expected, row);
    }

    [Theory]
    [InlineData(PilResampling.Bilinear)]
    [InlineData(PilResampling.Bicubic)]
    public void Identity_and_whole_pixel_shifts_are_exact(PilResampling resampling)
    {
        var image = Ramp(3, 7, 9);
        var same = image.ToArray();
        PilAffine.Transform(same, 3, 7, 9, [1, 0, 0, 0, 1, 0], [1, 2, 3], resampling);
        Assert.Equal(image, same);
        var shifted = image.ToArray();
        PilAffine.Transform(shifted, 3, 7, 9, PilAffine.TranslateY(2), [1, 2, 3], resampling);   // out[y] = in[y + 2]
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 7; y++)
                for (int x = 0; x < 9; x++)
                    Assert.Equal(y + 2 < 7 ? image[c * 63 + (y + 2) * 9 + x] : (byte)(c + 1), shifted[c * 63 + y * 9 + x]);
    }

    [Fact]
    public void Random_resized_crop_keeps_the_size_and_samples_valid_windows()
    {
        var crop = new RandomResizedCrop();
        var rng = new Random(6);
        for (int i = 0; i < 500; i++)
        {
            var (top, left, h, w) = crop.SampleWindow(40, 60, rng);
            Assert.True(top >= 0 && left >= 0 && h > 0 && w > 0 && top + h <= 40 && left + w <= 60);
        }
        var flat = Enumerable.Repeat((byte)77, 3 * 40 * 60).ToArray();
        crop.Apply(flat, 3, 40, 60, rng);
        Assert.All(flat, v => Assert.Equal(77, v));
    }
}
