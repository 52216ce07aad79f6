using DeiT.Tuning.Search.Distributions;

namespace DeiT.Tuning.Search.Benchmarks;

/// <summary>
/// A black-box test function to minimize, with its domain and known global minimum. The public suite is the one in
/// shared/peers/suite.py (same names, domains and minima), so our regrets line up with optuna_suite.py's.
/// </summary>
public sealed record TestFunction(string Name, SearchSpace Space, double Minimum, Func<IReadOnlyDictionary<string, ParamValue>, double> Evaluate)
{
    public double this[IReadOnlyDictionary<string, ParamValue> x] => Evaluate(x);

    public static IReadOnlyList<string> Names => All.Keys.ToList();

    /// <summary>The public suite: the functions optuna_suite.py runs Optuna on.</summary>
    public static IReadOnlyList<string> PublicSuite { get; } =
    [
        "branin", "six_hump_camel", "hartmann3", "hartmann6", "shekel10", "ackley5", "rosenbrock4", "styblinski_tang8",
        "michalewicz5", "mixed",
    ];

    public static TestFunction Get(string name) => All.TryGetValue(name.Trim().ToLowerInvariant(), out var f)
        ? f
        : throw new ArgumentException($"unknown test function '{name}'; use one of {string.Join(", ", All.Keys)}");

    /// <summary>A function of x1…xd on a box.</summary>
    private static TestFunction Vector(string name, double minimum, Func<double[], double> f, params (double Low, double High)[] bounds)
    {
        var space = new SearchSpace(bounds.Select((b, i) => (Distribution)new FloatDistribution($"x{i + 1}", b.Low, b.High)));
        var names = space.Parameters.Select(p => p.Name).ToArray();
        return new TestFunction(name, space, minimum, x => f(names.Select(n => x[n].Number).ToArray()));
    }

    private static (double, double)[] Cube(int dimensions, double low, double high) =>
        Enumerable.Repeat((low, high), dimensions).ToArray();

    private static readonly Dictionary<string, TestFunction> All = new[]
    {
        Vector("branin", 0.397887357729739, ClassicFunctions.Branin, (-5, 10), (0, 15)),
        Vector("six_hump_camel", -1.031628453489877, ClassicFunctions.SixHumpCamel, (-3, 3), (-2, 2)),
        Vector("hartmann3", -3.86278214782076, ClassicFunctions.Hartmann3, Cube(3, 0, 1)),
        Vector("hartmann6", -3.32236801141551, ClassicFunctions.Hartmann6, Cube(6, 0, 1)),
        Vector("shekel10", -10.536409816692, ClassicFunctions.Shekel10, Cube(4, 0, 10)),
        Vector("ackley5", 0.0, ClassicFunctions.Ackley, Cube(5, -32.768, 32.768)),
        Vector("rosenbrock4", 0.0, ClassicFunctions.Rosenbrock, Cube(4, -5, 10)),
        Vector("styblinski_tang8", -39.16616570377142 * 8, ClassicFunctions.StyblinskiTang, Cube(8, -5, 5)),
        Vector("michalewicz5", -4.687658, ClassicFunctions.Michalewicz, Cube(5, 0, Math.PI)),
        MixedRecipe.Function,
    }.ToDictionary(f => f.Name);
}
