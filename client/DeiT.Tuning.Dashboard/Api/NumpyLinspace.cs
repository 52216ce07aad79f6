namespace DeiT.Tuning.Dashboard.Api;

/// <summary>numpy.linspace's points, to the last bit: i·step + start, the last point exactly stop. Optuna's plots put
/// their grids there, and a value on a grid point must land on the same side of it as in Optuna.</summary>
public static class NumpyLinspace
{
    public static double[] Of(double start, double stop, int count)
    {
        var step = (stop - start) / (count - 1);
        var points = Enumerable.Range(0, count).Select(i => i * step + start).ToArray();
        points[^1] = stop;
        return points;
    }
}
