using System.Numerics;

namespace DeiT.Tuning.Search.Importance;

/// <summary>A set of category indices as a bit mask, one bit per category.</summary>
internal static class CategorySet
{
    public static ulong[] Empty(int categories) => new ulong[(categories + 63) / 64];

    public static ulong[] All(int categories)
    {
        var set = Empty(categories);
        for (var c = 0; c < categories; c++) Add(set, c);
        return set;
    }

    public static bool Contains(ulong[] set, int category) => (set[category >> 6] >> (category & 63) & 1) != 0;

    public static void Add(ulong[] set, int category) => set[category >> 6] |= 1UL << (category & 63);

    public static int Count(ulong[] set) => set.Sum(word => BitOperations.PopCount(word));
}
