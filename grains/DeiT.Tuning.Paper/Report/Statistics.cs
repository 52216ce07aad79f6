namespace DeiT.Tuning.Paper.Report;

internal static class Statistics
{
    public static double? Mean(IReadOnlyList<double> values) => values.Count == 0 ? null : values.Average();

    /// <summary>Sample standard deviation (n − 1); null below two values.</summary>
    public static double? Std(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return null;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
