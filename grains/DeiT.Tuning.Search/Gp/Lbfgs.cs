namespace DeiT.Tuning.Search.Gp;

/// <summary>
/// Limited-memory BFGS (two-loop recursion, memory 10) with a backtracking Armijo line search, for the small smooth
/// problems of the GP fit. The objective returns its value and fills the gradient; a non-finite value is treated as
/// outside the domain and makes the line search step back.
/// </summary>
internal static class Lbfgs
{
    public delegate double Objective(double[] x, double[] gradient);

    public static (double[] X, double Value) Minimize(Objective f, double[] x0, int maxIterations, double gradientTolerance = 1e-5)
    {
        const int memory = 10;
        var n = x0.Length;
        var x = (double[])x0.Clone();
        var g = new double[n];
        var fx = f(x, g);
        if (!double.IsFinite(fx)) return (x, fx);
        var s = new List<double[]>();
        var y = new List<double[]>();
        var rho = new List<double>();
        var direction = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            if (g.Max(Math.Abs) < gradientTolerance) break;
            // Two-loop recursion: direction = −H·g.
            var q = (double[])g.Clone();
            var alpha = new double[s.Count];
            for (var i = s.Count - 1; i >= 0; i--)
            {
                alpha[i] = rho[i] * Dot(s[i], q);
                for (var j = 0; j < n; j++) q[j] -= alpha[i] * y[i][j];
            }
            var gamma = s.Count > 0 ? Dot(s[^1], y[^1]) / Dot(y[^1], y[^1]) : 1.0 / Math.Max(1.0, Math.Sqrt(Dot(g, g)));
            for (var j = 0; j < n; j++) q[j] *= gamma;
            for (var i = 0; i < s.Count; i++)
            {
                var beta = rho[i] * Dot(y[i], q);
                for (var j = 0; j < n; j++) q[j] += s[i][j] * (alpha[i] - beta);
            }
            for (var j = 0; j < n; j++) direction[j] = -q[j];
            var slope = Dot(direction, g);
            if (slope >= 0)
            {
                // Not a descent direction (curvature information went stale): restart from steepest descent.
                s.Clear(); y.Clear(); rho.Clear();
                var scale = 1.0 / Math.Max(1.0, Math.Sqrt(Dot(g, g)));
                for (var j = 0; j < n; j++) direction[j] = -g[j] * scale;
                slope = Dot(direction, g);
            }
            var step = 1.0;
            double fNew = double.NaN;
            var accepted = false;
            for (var backtrack = 0; backtrack < 30; backtrack++)
            {
                for (var j = 0; j < n; j++) xNew[j] = x[j] + step * direction[j];
                fNew = f(xNew, gNew);
                if (double.IsFinite(fNew) && fNew <= fx + 1e-4 * step * slope)
                {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted) break;
            var sk = new double[n];
            var yk = new double[n];
            for (var j = 0; j < n; j++)
            {
                sk[j] = xNew[j] - x[j];
                yk[j] = gNew[j] - g[j];
            }
            var sy = Dot(sk, yk);
            if (sy > 1e-12)
            {
                if (s.Count == memory) { s.RemoveAt(0); y.RemoveAt(0); rho.RemoveAt(0); }
                s.Add(sk); y.Add(yk); rho.Add(1 / sy);
            }
            var improvement = fx - fNew;
            Array.Copy(xNew, x, n);
            Array.Copy(gNew, g, n);
            fx = fNew;
            if (improvement < 1e-10 * Math.Max(1, Math.Abs(fx))) break;
        }
        return (x, fx);
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
