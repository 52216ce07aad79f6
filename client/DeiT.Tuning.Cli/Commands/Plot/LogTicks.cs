using System.Globalization;
using ScottPlot;

namespace DeiT.Tuning.Cli.Commands.Plot;

/// <summary>Ticks for an axis plotted in log10 units, at round values as log axes have them: 1, 2, 5 × 10^k (or every
/// 1…9 × 10^k when the range holds fewer than three of those), labelled as the values themselves.</summary>
public static class LogTicks
{
    public static ScottPlot.TickGenerators.NumericManual For(double log10Low, double log10High) => new(Ticks(log10Low, log10High));

    public static Tick[] Ticks(double log10Low, double log10High)
    {
        var values = Values(log10Low, log10High, [1, 2, 5]);
        if (values.Count < 3) values = Values(log10Low, log10High, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        return values.Select(v => new Tick(Math.Log10(v), v.ToString("0.##e0", CultureInfo.InvariantCulture))).ToArray();
    }

    public static List<double> Values(double log10Low, double log10High, int[] mantissas)
    {
        var values = new List<double>();
        for (var exponent = (int)Math.Floor(log10Low); exponent <= (int)Math.Ceiling(log10High); exponent++)
            foreach (var m in mantissas)
            {
                var v = m * Math.Pow(10, exponent);
                var log = Math.Log10(v);
                if (log >= log10Low - 1e-9 && log <= log10High + 1e-9) values.Add(v);
            }
        return values;
    }
}
