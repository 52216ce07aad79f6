namespace DeiT.Tuning.Training.Data;

/// <summary>
/// A fixed, process-independent mix of integers into one seed (SplitMix64 finalizer), so every random draw is a pure
/// function of (seed, epoch, index). Never HashCode.Combine: it is randomized per process.
/// </summary>
public static class SeedMix
{
    public static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Mix(params ReadOnlySpan<long> values)
    {
        ulong h = 0x6A09E667F3BCC909UL;
        foreach (long v in values) h = SplitMix64(h ^ (ulong)v);
        return h;
    }

    /// <summary>A non-negative int seed for System.Random (whose seeded sequence is stable across runs).</summary>
    public static int Seed(params ReadOnlySpan<long> values) => (int)(Mix(values) & 0x7FFFFFFF);

    public static Random Random(params ReadOnlySpan<long> values) => new(Seed(values));

    /// <summary>Fisher–Yates shuffle written out (not Random.Shuffle) so the permutation depends only on the seeded stream.</summary>
    public static void Shuffle<T>(Random rng, Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
