using System.Globalization;

namespace DeiT.Tuning.Abstractions.Trials;

/// <summary>Byte sizes as people write them: 1.5GB, 512MB, 2G, 300M or plain bytes (powers of 1024).</summary>
public static class MemorySize
{
    public static long? TryParse(string text)
    {
        var t = text.Trim().ToUpperInvariant().Replace(" ", "", StringComparison.Ordinal);
        var (digits, scale) = t.EndsWith("GB", StringComparison.Ordinal) || t.EndsWith('G') ? (t.TrimEnd('B').TrimEnd('G'), 1L << 30)
            : t.EndsWith("MB", StringComparison.Ordinal) || t.EndsWith('M') ? (t.TrimEnd('B').TrimEnd('M'), 1L << 20)
            : t.EndsWith("KB", StringComparison.Ordinal) || t.EndsWith('K') ? (t.TrimEnd('B').TrimEnd('K'), 1L << 10)
            : (t.TrimEnd('B'), 1L);
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && value * scale < long.MaxValue
            ? (long)(value * scale)
            : null;
    }

    public static string Format(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.##", CultureInfo.InvariantCulture) + " GB"
        : (bytes / (double)(1L << 20)).ToString("0.##", CultureInfo.InvariantCulture) + " MB";
}
