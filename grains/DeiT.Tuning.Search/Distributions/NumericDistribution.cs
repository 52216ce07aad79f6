using System.Globalization;

namespace DeiT.Tuning.Search.Distributions;

/// <summary>
/// A float or int range, optionally log-scaled or on a step grid. Samplers that work on the unit cube use
/// <see cref="ToUnit"/> / <see cref="FromUnit"/>, which warp log ranges so equal ratios get equal lengths.
/// </summary>
public abstract record NumericDistribution(string Name, double Low, double High, bool Log, double? Step) : Distribution(Name)
{
    public abstract bool IsInteger { get; }

    /// <summary>The grid spacing: the step when given, 1 for integers, null for a continuous float.</summary>
    public double? Grid => Step ?? (IsInteger ? 1 : null);

    public override bool Contains(ParamValue value)
    {
        if (value.IsChoice || !double.IsFinite(value.Number)) return false;
        var x = value.Number;
        if (x < Low - Tolerance || x > High + Tolerance) return false;
        return Grid is not { } g || Math.Abs(Snap(x) - x) <= Tolerance;
    }

    private double Tolerance => 1e-9 * Math.Max(1, Math.Abs(High - Low));

    /// <summary>Clamps into [Low, High] and rounds onto the grid (integers, steps) that lies inside the range.</summary>
    public double Snap(double x)
    {
        x = Math.Clamp(x, Low, High);
        if (Grid is not { } g) return x;
        var k = Math.Round((x - Low) / g);
        var maxK = Math.Floor((High - Low) / g + 1e-9);
        return Low + Math.Clamp(k, 0, maxK) * g;
    }

    /// <summary>
    /// Position in [0, 1], log-warped for log ranges. On a grid each value owns an equal cell of the unit interval
    /// and maps to the cell's centre, so uniform positions give uniform values (end points included).
    /// </summary>
    public double ToUnit(double x)
    {
        var (lo, hi) = WarpedBounds;
        return (Warp(x) - lo) / (hi - lo);
    }

    /// <summary>The value at position u in [0, 1], snapped to the grid.</summary>
    public double FromUnit(double u)
    {
        var (lo, hi) = WarpedBounds;
        var t = lo + Math.Clamp(u, 0, 1) * (hi - lo);
        return Snap(Log ? Math.Exp(t) : t);
    }

    /// <summary>Log for log ranges, identity otherwise: the space TPE's Parzen estimators and the unit cube live in.</summary>
    public double Warp(double x) => Log ? Math.Log(x) : x;

    public double Unwarp(double t) => Snap(Log ? Math.Exp(t) : t);

    /// <summary>The warped range, widened by half a grid cell on each side for grids (Optuna's convention).</summary>
    public (double Low, double High) WarpedBounds
    {
        get
        {
            if (Grid is not { } g) return (Warp(Low), Warp(High));
            var top = Low + Math.Floor((High - Low) / g + 1e-9) * g;
            return Log ? (Math.Log(Low - g / 2), Math.Log(top + g / 2)) : (Low - g / 2, top + g / 2);
        }
    }

    public override void Check()
    {
        if (!double.IsFinite(Low) || !double.IsFinite(High))
            throw Error("low and high must be finite numbers");
        if (Low >= High)
            throw Error($"low ({Fmt(Low)}) must be below high ({Fmt(High)}); swap them or widen the range");
        if (Log && Low <= 0)
            throw Error($"a log range needs low > 0 (got {Fmt(Low)}); raise low or set log: false");
        if (Step is { } s)
        {
            if (!(s > 0)) throw Error($"step must be > 0 (got {Fmt(s)}); use a positive step or remove it");
            if (Log) throw Error("step and log cannot be combined; remove one of them");
            if (s > High - Low) throw Error($"step ({Fmt(s)}) is larger than the range {DomainText}; use a smaller step");
        }
        base.Check();
    }

    public override string DomainText => $"[{Fmt(Low)}, {Fmt(High)}]" + (Log ? " log" : "") + (Step is { } st ? $" step {Fmt(st)}" : "");

    protected static string Fmt(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}

/// <summary>A real range, continuous or on a step grid.</summary>
public sealed record FloatDistribution(string Name, double Low, double High, bool Log = false, double? Step = null)
    : NumericDistribution(Name, Low, High, Log, Step)
{
    public override string TypeName => "float";
    public override bool IsInteger => false;
}

/// <summary>An integer range; <c>step</c> other than 1 puts it on a coarser grid.</summary>
public sealed record IntDistribution : NumericDistribution
{
    public IntDistribution(string name, long low, long high, bool log = false, long step = 1)
        : base(name, low, high, log, step == 1 ? null : step) { }

    public override string TypeName => "int";
    public override bool IsInteger => true;
}
