namespace DeiT.Tuning.Dashboard.Api;

/// <summary>
/// The grid of a contour plot as Optuna draws it (plot_contour): each axis spans the trials' range padded by 5 % on
/// each side (in log10 for log ranges; choices at 0…k−1 in sorted order), 100 points a side; each trial's value is set
/// at its nearest grid point (a later trial overwrites an earlier one there), and the other points are filled by
/// Plotly's interpolation — the discrete Laplace equation with zero-derivative edges, every free point the mean of its
/// neighbours — solved here by conjugate gradients.
/// </summary>
public static class ContourGrid
{
    public const int Points = 100;
    const double Padding = 0.05;

    /// <summary>An axis's grid in plotted coordinates from the trials' plotted positions.</summary>
    public static double[] Axis(IEnumerable<double> positions, int? choices = null)
    {
        double lo, hi;
        if (choices is { } k)
        {
            (lo, hi) = (0, k - 1);
        }
        else
        {
            var list = positions.ToList();
            (lo, hi) = (list.Min(), list.Max());
        }
        var pad = (hi - lo) * Padding;
        // numpy.linspace's arithmetic: a choice lies halfway between two points, and the same one must be nearest
        return NumpyLinspace.Of(lo - pad, hi + pad, Points);
    }

    /// <summary>z[row = y index, column = x index] over the grid, from trials at plotted positions (x, y) with value z.</summary>
    public static double[,] Interpolate(IReadOnlyList<(double X, double Y, double Z)> trials, double[] xs, double[] ys)
    {
        if (trials.Count == 0) throw new ArgumentException("a contour needs at least one trial", nameof(trials));
        int nx = xs.Length, ny = ys.Length;
        var z = new double[ny * nx];
        var known = new bool[ny * nx];
        foreach (var (x, y, value) in trials)
        {
            var cell = Nearest(ys, y) * nx + Nearest(xs, x);
            z[cell] = value;
            known[cell] = true;
        }
        SolveLaplace(z, known, nx, ny);
        var grid = new double[ny, nx];
        for (var j = 0; j < ny; j++)
        for (var i = 0; i < nx; i++)
            grid[j, i] = z[j * nx + i];
        return grid;
    }

    static int Nearest(double[] grid, double value)
    {
        var best = 0;
        for (var i = 1; i < grid.Length; i++)
            if (Math.Abs(grid[i] - value) < Math.Abs(grid[best] - value)) best = i;
        return best;
    }

    /// <summary>
    /// For every free cell u: deg(u)·z_u − Σ neighbours z = 0, known cells fixed. On the free cells this is a graph
    /// Laplacian with Dirichlet conditions, symmetric positive definite whenever a cell is known, so CG converges.
    /// The CG vectors stay 0 on known cells (their right-hand side is 0), so no sum needs to skip them.
    /// </summary>
    static void SolveLaplace(double[] z, bool[] known, int nx, int ny)
    {
        var n = z.Length;
        var b = new double[n];
        Span<int> neighbours = stackalloc int[4];
        for (var cell = 0; cell < n; cell++)
        {
            if (known[cell]) continue;
            foreach (var other in neighbours[..Neighbours(cell, nx, ny, neighbours)])
                if (known[other]) b[cell] += z[other];
        }
        var x = new double[n];
        var r = (double[])b.Clone();
        var p = (double[])r.Clone();
        var ap = new double[n];
        var rr = Dot(r, r);
        var tolerance = 1e-24 * Math.Max(rr, 1e-300);
        for (var iteration = 0; iteration < 20 * n && rr > tolerance; iteration++)
        {
            Apply(p, ap, known, nx, ny);
            var alpha = rr / Dot(p, ap);
            for (var i = 0; i < n; i++)
            {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }
            var next = Dot(r, r);
            var beta = next / rr;
            rr = next;
            for (var i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
        }
        for (var i = 0; i < n; i++)
            if (!known[i]) z[i] = x[i];
    }

    /// <summary>The free cells' operator: deg(u)·v_u − Σ neighbours v (v is 0 on known cells).</summary>
    static void Apply(double[] v, double[] result, bool[] known, int nx, int ny)
    {
        Span<int> neighbours = stackalloc int[4];
        for (var cell = 0; cell < v.Length; cell++)
        {
            if (known[cell]) continue;
            var count = Neighbours(cell, nx, ny, neighbours);
            var sum = 0.0;
            foreach (var other in neighbours[..count]) sum += v[other];
            result[cell] = count * v[cell] - sum;
        }
    }

    /// <summary>Writes the cells next to <paramref name="cell"/> into <paramref name="into"/>; returns how many.</summary>
    static int Neighbours(int cell, int nx, int ny, Span<int> into)
    {
        int i = cell % nx, j = cell / nx, count = 0;
        if (i > 0) into[count++] = cell - 1;
        if (i < nx - 1) into[count++] = cell + 1;
        if (j > 0) into[count++] = cell - nx;
        if (j < ny - 1) into[count++] = cell + nx;
        return count;
    }

    static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
