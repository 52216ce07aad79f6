namespace DeiT.Tuning.Training.Engine;

/// <summary>
/// Seeds that are pure functions of (seed, epoch, step), mixed with SplitMix64 so they are the same in every process
/// (unlike HashCode.Combine). They make a resumed run draw exactly the random numbers the uninterrupted run drew.
/// </summary>
public static class StepSeed
{
    public static long For(int seed, int epoch, int step)
    {
        var x = SplitMix64((ulong)(uint)seed);
        x = SplitMix64(x ^ (ulong)(uint)epoch);
        x = SplitMix64(x ^ (ulong)(uint)step);
        return (long)(x >> 1);   // non-negative: torch.manual_seed and Random take it as is
    }

    /// <summary>A System.Random for one step (mixup/cutmix draws).</summary>
    public static Random RandomFor(int seed, int epoch, int step) => new((int)(For(seed, epoch, step) & int.MaxValue));

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
