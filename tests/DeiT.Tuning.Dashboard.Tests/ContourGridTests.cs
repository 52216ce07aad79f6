using System.Text.Json;
using DeiT.Tuning.Dashboard.Api;

namespace DeiT.Tuning.Dashboard.Tests;

/// <summary>The contour grid against Optuna 3.1's own (Fixtures/optuna_contour.py): the axes, and the interpolated
/// values at every third grid point, for two float parameters and for a float against a categorical.</summary>
public sealed class ContourGridTests
{
    static readonly JsonElement Cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "optuna-contour.json")))
        .RootElement.GetProperty("cases");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void The_grid_is_optunas(int index)
    {
        var fixture = Cases[index];
        string xName = fixture.GetProperty("x").GetString()!, yName = fixture.GetProperty("y").GetString()!;
        var labels = fixture.GetProperty("y_labels").EnumerateArray().Select(l => l.GetString()!).ToList();
        var trials = fixture.GetProperty("trials").EnumerateArray().Select(t =>
        {
            var p = t.GetProperty("params");
            var y = p.GetProperty(yName);
            return (X: p.GetProperty(xName).GetDouble(), Y: y.ValueKind == JsonValueKind.String ? labels.IndexOf(y.GetString()!) : y.GetDouble(),
                Z: t.GetProperty("value").GetDouble());
        }).ToList();

        var xs = ContourGrid.Axis(trials.Select(t => t.X));
        var ys = labels.Count > 0 ? ContourGrid.Axis([], labels.Count) : ContourGrid.Axis(trials.Select(t => t.Y));
        AssertClose(fixture.GetProperty("x_grid").EnumerateArray().Select(v => v.GetDouble()).ToArray(), xs, 1e-12);
        AssertClose(fixture.GetProperty("y_grid").EnumerateArray().Select(v => v.GetDouble()).ToArray(), ys, 1e-12);

        var grid = ContourGrid.Interpolate(trials, xs, ys);
        var expected = fixture.GetProperty("z_every_3rd").EnumerateArray().ToList();
        for (var j = 0; j < expected.Count; j++)
            AssertClose(expected[j].EnumerateArray().Select(v => v.GetDouble()).ToArray(),
                Enumerable.Range(0, expected[j].GetArrayLength()).Select(i => grid[3 * j, 3 * i]).ToArray(), 1e-8);
    }

    [Fact]
    public void Trial_values_stand_at_their_points_and_the_rest_lies_between_them()
    {
        var xs = ContourGrid.Axis([0.0, 1.0]);
        var ys = ContourGrid.Axis([0.0, 1.0]);
        var grid = ContourGrid.Interpolate([(0.0, 0.0, 1.0), (1.0, 1.0, 3.0), (1.0, 0.0, 2.0)], xs, ys);
        Assert.Equal(1.0, grid[4, 4]);   // 0 lies halfway between points 4 and 5 of the padded axis; the first is taken
        Assert.Equal(3.0, grid[94, 94]);
        Assert.Equal(2.0, grid[4, 94]);
        foreach (var z in grid) Assert.InRange(z, 1.0, 3.0); // a harmonic fill has no extremes of its own
    }

    static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"[{i}]: expected {expected[i]}, got {actual[i]}");
    }
}
