using DeiT.Tuning.Search.Distributions;

namespace DeiT.Tuning.Search.Benchmarks;

/// <summary>A standard black-box test function to minimize, with its domain and known global minimum.</summary>
public sealed record TestFunction(string Name, SearchSpace Space, double Minimum, Func<double[], double> Evaluate)
{
    public double this[IReadOnlyDictionary<string, ParamValue> x] =>
        Evaluate(Space.Parameters.Select(p => x[p.Name].Number).ToArray());

    public static IReadOnlyList<string> Names => All.Keys.ToList();

    public static TestFunction Get(string name) => All.TryGetValue(name.Trim().ToLowerInvariant(), out var f)
        ? f
        : throw new ArgumentException($"unknown test function '{name}'; use one of {string.Join(", ", All.Keys)}");

    private static SearchSpace Box(params (string Name, double Low, double High)[] bounds) =>
        new(bounds.Select(b => (Distribution)new FloatDistribution(b.Name, b.Low, b.High)));

    private static SearchSpace UnitBox(int dimensions) =>
        Box(Enumerable.Range(1, dimensions).Select(i => ($"x{i}", 0.0, 1.0)).ToArray());

    /// <summary>Branin–Hoo on [−5, 10] × [0, 15]; three global minima of 0.397887.</summary>
    private static double Branin(double[] x)
    {
        const double a = 1, r = 6, s = 10;
        var b = 5.1 / (4 * Math.PI * Math.PI);
        var c = 5 / Math.PI;
        var t = 1 / (8 * Math.PI);
        var u = x[1] - b * x[0] * x[0] + c * x[0] - r;
        return a * u * u + s * (1 - t) * Math.Cos(x[0]) + s;
    }

    private static readonly double[] HartmannAlpha = [1.0, 1.2, 3.0, 3.2];

    private static readonly double[,] Hartmann3A = { { 3, 10, 30 }, { 0.1, 10, 35 }, { 3, 10, 30 }, { 0.1, 10, 35 } };

    private static readonly double[,] Hartmann3P =
        { { 0.3689, 0.1170, 0.2673 }, { 0.4699, 0.4387, 0.7470 }, { 0.1091, 0.8732, 0.5547 }, { 0.0381, 0.5743, 0.8828 } };

    private static readonly double[,] Hartmann6A =
    {
        { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 },
    };

    private static readonly double[,] Hartmann6P =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 }, { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 }, { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    private static readonly Dictionary<string, TestFunction> All = new()
    {
        ["branin"] = new("branin", Box(("x1", -5, 10), ("x2", 0, 15)), 0.397887357729739, Branin),
        ["hartmann3"] = new("hartmann3", UnitBox(3), -3.86278214782076, x => Hartmann(x, Hartmann3A, Hartmann3P)),
        ["hartmann6"] = new("hartmann6", UnitBox(6), -3.32236801141551, x => Hartmann(x, Hartmann6A, Hartmann6P)),
    };

    /// <summary>Hartmann-3/6 on the unit cube: −Σ α_i exp(−Σ_j A_ij (x_j − P_ij)²).</summary>
    private static double Hartmann(double[] x, double[,] a, double[,] p)
    {
        double sum = 0;
        for (var i = 0; i < 4; i++)
        {
            double inner = 0;
            for (var j = 0; j < x.Length; j++)
            {
                var d = x[j] - p[i, j];
                inner += a[i, j] * d * d;
            }
            sum += HartmannAlpha[i] * Math.Exp(-inner);
        }
        return -sum;
    }
}
