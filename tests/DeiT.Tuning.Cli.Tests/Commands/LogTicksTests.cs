using DeiT.Tuning.Cli.Commands.Plot;

namespace DeiT.Tuning.Cli.Tests.Commands;

public sealed class LogTicksTests
{
    [Fact]
    public void Wide_ranges_get_one_two_five_narrow_ones_every_digit()
    {
        Assert.Equal([1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2], LogTicks.Values(Math.Log10(1e-4), Math.Log10(1.5e-2), [1, 2, 5]), new Close());
        var narrow = LogTicks.Ticks(Math.Log10(2.2e-3), Math.Log10(1.05e-2)).Select(t => t.Label).ToList();
        Assert.Equal(["3e-3", "4e-3", "5e-3", "6e-3", "7e-3", "8e-3", "9e-3", "1e-2"], narrow);
        Assert.Equal(["1e-4", "2e-4", "5e-4", "1e-3"], LogTicks.Ticks(-4, -3).Select(t => t.Label));
    }

    private sealed class Close : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= 1e-12 * Math.Abs(a);
        public int GetHashCode(double v) => 0;
    }
}
