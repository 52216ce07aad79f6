using DeiT.Tuning.Search.Random;

namespace DeiT.Tuning.Search.Tests;

public class QuasiRandomTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(42)]
    public void Scrambled_sobol_points_form_a_net_every_elementary_box_holds_one_point(int seed)
    {
        // The first 2^6 points of any two of the first dimensions put exactly one point in each 1/8 × 1/8 box
        // (a (0, 6, 2)-net in base 2, which linear scrambling and digital shift preserve) for dimensions 1–2.
        var sobol = new SobolSequence(2, seed);
        var boxes = new int[8, 8];
        for (var i = 0; i < 64; i++)
        {
            var p = sobol.Point(i);
            boxes[(int)(p[0] * 8), (int)(p[1] * 8)]++;
        }
        foreach (var count in boxes) Assert.Equal(1, count);
    }

    [Fact]
    public void Every_sobol_dimension_is_stratified_and_seeds_differ()
    {
        var a = new SobolSequence(40, 1);
        var b = new SobolSequence(40, 2);
        for (var d = 0; d < 40; d++)
        {
            var bins = new int[16];
            for (var i = 0; i < 16; i++) bins[(int)(a.Point(i)[d] * 16)]++;
            Assert.All(bins, c => Assert.Equal(1, c));
        }
        Assert.NotEqual(a.Point(3), b.Point(3));
    }

    [Fact]
    public void Rng_state_round_trips_and_is_seeded()
    {
        var rng = new Rng(9);
        for (var i = 0; i < 5; i++) rng.NextDouble();
        var copy = Rng.Load(rng.Save());
        for (var i = 0; i < 5; i++) Assert.Equal(rng.NextUInt64(), copy.NextUInt64());
        Assert.NotEqual(new Rng(1).NextUInt64(), new Rng(2).NextUInt64());
    }
}
