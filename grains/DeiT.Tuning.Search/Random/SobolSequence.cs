namespace DeiT.Tuning.Search.Random;

/// <summary>
/// Scrambled Sobol points in [0, 1)^d: Joe–Kuo direction numbers (new-joe-kuo-6.21201), random linear matrix
/// scrambling plus a random digital shift (the scheme SciPy's <c>qmc.Sobol(scramble=True)</c> uses). Point i is
/// computed directly from i, so the sequence is resumable from an index alone. Dimensions past the table
/// (more than 41) fall back to independent uniform coordinates derived from (seed, i, dimension).
/// </summary>
public sealed class SobolSequence
{
    private const int Bits = 32;

    // s a m_1 … m_s for dimensions 2…41 (dimension 1 is van der Corput).
    private static readonly string[] JoeKuo =
    [
        "1 0 1", "2 1 1 3", "3 1 1 3 1", "3 2 1 1 1", "4 1 1 1 3 3", "4 4 1 3 5 13", "5 2 1 1 5 5 17", "5 4 1 1 5 5 5",
        "5 7 1 1 7 11 19", "5 11 1 1 5 1 1", "5 13 1 1 1 3 11", "5 14 1 3 5 5 31", "6 1 1 3 3 9 7 49",
        "6 13 1 1 1 15 21 21", "6 16 1 3 1 13 27 49", "6 19 1 1 1 15 7 5", "6 22 1 3 1 15 13 25", "6 25 1 1 5 5 19 61",
        "7 1 1 3 7 11 23 15 103", "7 4 1 3 7 13 13 15 69", "7 7 1 1 3 13 7 35 63", "7 8 1 3 5 9 1 25 53",
        "7 14 1 3 1 13 9 35 107", "7 19 1 3 1 5 27 61 31", "7 21 1 1 5 11 19 41 61", "7 28 1 3 5 3 3 13 69",
        "7 31 1 1 7 13 1 19 1", "7 32 1 3 7 5 13 19 59", "7 37 1 1 3 9 25 29 41", "7 41 1 3 5 13 23 1 55",
        "7 42 1 3 7 3 13 59 17", "7 50 1 3 1 3 5 53 69", "7 55 1 1 5 5 23 33 13", "7 56 1 1 7 7 1 61 123",
        "7 59 1 1 7 9 13 61 49", "7 62 1 3 3 5 3 55 33", "8 14 1 3 1 15 31 13 49 245", "8 21 1 3 5 15 31 59 63 97",
        "8 22 1 3 1 11 11 11 77 249", "8 38 1 3 1 11 27 43 71 9",
    ];

    public static int MaxScrambledDimensions => JoeKuo.Length + 1;

    private readonly uint[][] _directions;
    private readonly uint[] _shift;
    private readonly long _seed;

    public SobolSequence(int dimensions, long seed)
    {
        if (dimensions <= 0) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "need at least one dimension");
        Dimensions = dimensions;
        _seed = seed;
        var rng = Rng.Derive(seed, 0x5083);
        var table = Math.Min(dimensions, MaxScrambledDimensions);
        _directions = new uint[table][];
        _shift = new uint[table];
        for (var d = 0; d < table; d++)
        {
            _directions[d] = Scramble(Directions(d), rng);
            _shift[d] = (uint)rng.NextUInt64();
        }
    }

    public int Dimensions { get; }

    /// <summary>The i-th point (i ≥ 0).</summary>
    public double[] Point(long index)
    {
        var x = new double[Dimensions];
        for (var d = 0; d < Dimensions; d++)
        {
            if (d >= _directions.Length)
            {
                x[d] = Rng.Derive(_seed ^ index * 0x9E3779B9L, d).NextDouble();
                continue;
            }
            var v = _shift[d];
            var i = (ulong)index;
            for (var k = 0; i != 0 && k < Bits; k++, i >>= 1)
                if ((i & 1) != 0) v ^= _directions[d][k];
            // Centre of the 2^-32 cell, so no coordinate is exactly 0.
            x[d] = (v + 0.5) / 4294967296.0;
        }
        return x;
    }

    private static uint[] Directions(int dimension)
    {
        var v = new uint[Bits];
        if (dimension == 0)
        {
            for (var k = 0; k < Bits; k++) v[k] = 1u << (Bits - 1 - k);
            return v;
        }
        var row = JoeKuo[dimension - 1].Split(' ').Select(uint.Parse).ToArray();
        int s = (int)row[0], a = (int)row[1];
        for (var k = 0; k < s && k < Bits; k++) v[k] = row[2 + k] << (Bits - 1 - k);
        for (var k = s; k < Bits; k++)
        {
            v[k] = v[k - s] ^ (v[k - s] >> s);
            for (var j = 1; j < s; j++)
                if (((a >> (s - 1 - j)) & 1) != 0) v[k] ^= v[k - j];
        }
        return v;
    }

    // Random lower-triangular binary matrix with unit diagonal applied to every direction number (bit 31 = first digit).
    private static uint[] Scramble(uint[] directions, Rng rng)
    {
        var rows = new uint[Bits];
        for (var j = 0; j < Bits; j++)
        {
            var below = j == 0 ? 0u : (uint)(rng.NextUInt64() & ((1UL << j) - 1));
            rows[j] = (1u << j) | below; // digit j depends on digits 0..j
        }
        var scrambled = new uint[Bits];
        for (var k = 0; k < Bits; k++)
        {
            uint result = 0;
            for (var j = 0; j < Bits; j++)
            {
                // digits of the direction number, MSB first: digit l is bit (31 - l)
                uint digitsUpToJ = 0;
                for (var l = 0; l <= j; l++)
                    if (((rows[j] >> l) & 1) != 0 && ((directions[k] >> (Bits - 1 - l)) & 1) != 0) digitsUpToJ ^= 1;
                result |= digitsUpToJ << (Bits - 1 - j);
            }
            scrambled[k] = result;
        }
        return scrambled;
    }
}
