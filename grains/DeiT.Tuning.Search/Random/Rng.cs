using System.Globalization;

namespace DeiT.Tuning.Search.Random;

/// <summary>
/// xoshiro256** seeded by SplitMix64: a small, fast generator whose whole state is four words, so a sampler can
/// save it and a restored sampler continues the exact same stream (System.Random cannot be serialized).
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(long seed)
    {
        var x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private Rng() { }

    /// <summary>A generator for a sub-stream (e.g. one Sobol scramble) derived from a seed and a key.</summary>
    public static Rng Derive(long seed, long key) => new(unchecked(seed * 0x5851F42D4C957F2DL + key * 0x14057B7EF767814FL + 1));

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be positive");
        return (int)(NextDouble() * n);
    }

    /// <summary>Standard normal by Box–Muller (no cached second value, so the state stays four words).</summary>
    public double NextNormal()
    {
        double u1;
        do u1 = NextDouble(); while (u1 <= 0);
        var u2 = NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Index drawn with probability proportional to <paramref name="weights"/> (non-negative, not all zero).</summary>
    public int NextCategorical(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (var w in weights) total += w;
        var u = NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            u -= weights[i];
            if (u < 0) return i;
        }
        for (var i = weights.Length - 1; i >= 0; i--)
            if (weights[i] > 0) return i;
        return weights.Length - 1;
    }

    public string Save() => string.Join(':', new[] { _s0, _s1, _s2, _s3 }.Select(s => s.ToString("x16", CultureInfo.InvariantCulture)));

    public static Rng Load(string state)
    {
        var parts = state.Split(':');
        if (parts.Length != 4) throw new FormatException($"RNG state '{state}' must be four hex words separated by ':'");
        var w = parts.Select(p => ulong.Parse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        return new Rng { _s0 = w[0], _s1 = w[1], _s2 = w[2], _s3 = w[3] };
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
