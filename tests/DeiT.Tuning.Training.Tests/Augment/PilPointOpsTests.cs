using DeiT.Tuning.Training.Augment;

namespace DeiT.Tuning.Training.Tests.Augment;

/// <summary>The point ops on tiny images, against their definitions worked by hand.</summary>
public class PilPointOpsTests
{
    [Fact]
    public void Invert_posterize_solarize()
    {
        byte[] x = [0, 1, 127, 128, 200, 255];
        var inverted = x.ToArray();
        PilPointOps.Invert(inverted);
        Assert.Equal(new byte[] { 255, 254, 128, 127, 55, 0 }, inverted);

        var posterized = x.ToArray();
        PilPointOps.Posterize(posterized, 1);   // keep the top bit
        Assert.Equal(new byte[] { 0, 0, 0, 128, 128, 128 }, posterized);
        posterized = x.ToArray();
        PilPointOps.Posterize(posterized, 0);
        Assert.All(posterized, v => Assert.Equal(0, v));

        var solarized = x.ToArray();
        PilPointOps.Solarize(solarized, 128);   // values ≥ 128 inverted
        Assert.Equal(new byte[] { 0, 1, 127, 127, 55, 0 }, solarized);

        var added = x.ToArray();
        PilPointOps.SolarizeAdd(added, 100);    // values < 128 get +100, saturating
        Assert.Equal(new byte[] { 100, 101, 227, 128, 200, 255 }, added);
    }

    [Fact]
    public void Auto_contrast_stretches_each_channel_to_full_range()
    {
        // Two channels of 2 pixels: [50, 150] and [10, 10] (flat: left alone).
        byte[] x = [50, 150, 100, 100, 10, 10];
        PilPointOps.AutoContrast(x.AsSpan(0, 4), 2);
        Assert.Equal(new byte[] { 0, 255, 100, 100 }, x[..4]);
        byte[] y = [50, 100, 150];
        PilPointOps.AutoContrast(y, 1);
        Assert.Equal(new byte[] { 0, 127, 255 }, y);   // int(50·2.55 − 127.5) = int(127.5) = 127
    }

    [Fact]
    public void Equalize_uses_pils_cumulative_lookup()
    {
        // 256 pixels of 10 and 256 of 20 (+1 of 30): step = (513 − 1) // 256 = 2, lut[v] = (1 + cum(<v)) // 2.
        var x = Enumerable.Repeat((byte)10, 256).Concat(Enumerable.Repeat((byte)20, 256)).Append((byte)30).ToArray();
        PilPointOps.Equalize(x, 1);
        Assert.Equal(0, x[0]);        // (1 + 0) // 2
        Assert.Equal(128, x[256]);    // (1 + 256) // 2
        Assert.Equal(255, x[512]);    // (1 + 512) // 2 = 256, clipped to 255
    }

    [Fact]
    public void Blend_truncates_inside_and_clips_outside()
    {
        Assert.Equal(5, PilPointOps.Blend(0, 10, 0.59f));        // 5.9 truncated
        Assert.Equal(255, PilPointOps.Blend(0, 200, 1.81f));     // 362 clipped
        Assert.Equal(0, PilPointOps.Blend(100, 10, 1.5f));       // −35 clipped
        Assert.Equal(64, PilPointOps.Luma(64, 64, 64));
        Assert.Equal(76, PilPointOps.Luma(255, 0, 0));           // (255·19595 + 32768) >> 16
    }

    [Fact]
    public void Contrast_and_brightness_blend_with_their_degenerate_images()
    {
        byte[] x = [0, 100, 200, 100];   // mean 100
        PilPointOps.Contrast(x, 1, 0.5f);
        Assert.Equal(new byte[] { 50, 100, 150, 100 }, x);
        byte[] y = [10, 100, 200];
        PilPointOps.Brightness(y, 1.5f);
        Assert.Equal(new byte[] { 15, 150, 255 }, y);
    }

    [Fact]
    public void Color_on_gray_is_identity_and_on_rgb_moves_toward_gray()
    {
        byte[] gray = [1, 2, 3];
        PilPointOps.Color(gray, 1, 0.2f);
        Assert.Equal(new byte[] { 1, 2, 3 }, gray);
        byte[] red = [255, 0, 0];   // one RGB pixel, CHW; gray 76
        PilPointOps.Color(red, 3, 0f);
        Assert.Equal(new byte[] { 76, 76, 76 }, red);
    }

    [Fact]
    public void Sharpness_blends_with_the_smoothed_interior_only()
    {
        // 3×3 with a bright centre: SMOOTH gives centre (5·130 + 8·0)/13 + ½ → 50; borders are copied.
        var x = new byte[9];
        x[4] = 130;
        var smooth = new byte[9];
        PilPointOps.Smooth(x, smooth, 1, 3, 3);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 50, 0, 0, 0, 0 }, smooth);
        PilPointOps.Sharpness(x, 1, 3, 3, 0f);
        Assert.Equal(smooth, x);
    }
}
