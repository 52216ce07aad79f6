using DeiT.Tuning.Search.Random;

namespace DeiT.Tuning.Search.Gp;

/// <summary>
/// Maximizes log-EI over the unit cube: scrambled Sobol candidates plus Gaussian perturbations of the best observed
/// points, every candidate snapped to a real configuration before scoring; then projected gradient ascent (analytic
/// gradient, backtracking) on the numeric coordinates of the best few, snapped and re-scored. A point within
/// <see cref="MinSeparation"/> of a running trial is never chosen: the believer takes a running trial's value as
/// known, so EI just beside it is the mean's slope alone, and such a twin adds almost nothing.
/// </summary>
internal sealed class AcquisitionOptimizer(GaussianProcess gp, UnitCubeEncoder encoder, double best, IReadOnlyList<double[]> pending)
{
    private const double MinSeparation = 0.005;

    private const int Refined = 5;
    private const int RefineIterations = 30;
    private const int PerturbationsPerIncumbent = 32;

    public double[] Maximize(int sobolCandidates, long sobolSeed, IReadOnlyList<double[]> incumbents, Rng rng)
    {
        var sobol = new SobolSequence(encoder.Dimensions, sobolSeed);
        var candidates = new List<double[]>(sobolCandidates + incumbents.Count * PerturbationsPerIncumbent);
        for (var i = 0; i < sobolCandidates; i++) candidates.Add(encoder.FromUniform(sobol.Point(i)));
        foreach (var incumbent in incumbents)
            for (var j = 0; j < PerturbationsPerIncumbent; j++)
            {
                var scale = j % 2 == 0 ? 0.02 : 0.1;
                var x = (double[])incumbent.Clone();
                for (var d = 0; d < x.Length; d++)
                    if (encoder.Continuous[d]) x[d] = Math.Clamp(x[d] + scale * rng.NextNormal(), 0, 1);
                candidates.Add(encoder.Snap(x));
            }

        var scores = new double[candidates.Count];
        Parallel.For(0, candidates.Count, i => scores[i] = Score(candidates[i]));
        var order = Enumerable.Range(0, candidates.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToList();

        var allowed = order.Where(i => Apart(candidates[i])).ToList();
        if (allowed.Count == 0) allowed = order;
        var bestX = candidates[allowed[0]];
        var bestScore = scores[allowed[0]];
        var starts = allowed.Take(Refined).ToList();
        var refined = new (double[] X, double Score)[starts.Count];
        Parallel.For(0, starts.Count, k =>
        {
            var x = encoder.Snap(Refine(candidates[starts[k]]));
            refined[k] = (x, Score(x));
        });
        foreach (var (x, score) in refined)
            if (score > bestScore && Apart(x))
            {
                bestScore = score;
                bestX = x;
            }
        return bestX;
    }

    private bool Apart(double[] x) => pending.All(p =>
    {
        double d2 = 0;
        for (var d = 0; d < x.Length; d++) d2 += (x[d] - p[d]) * (x[d] - p[d]);
        return d2 >= MinSeparation * MinSeparation;
    });

    public double Score(double[] x)
    {
        var (mean, variance) = gp.Predict(x);
        return LogExpectedImprovement.Value(mean, variance, best);
    }

    private double[] Refine(double[] start)
    {
        var x = (double[])start.Clone();
        var (value, gradient) = ValueAndGradient(x);
        var step = 0.05;
        for (var iteration = 0; iteration < RefineIterations && step > 1e-6; iteration++)
        {
            var norm = gradient.Max(Math.Abs);
            if (norm == 0 || !double.IsFinite(norm)) break;
            var moved = false;
            while (step > 1e-6)
            {
                var trial = (double[])x.Clone();
                for (var d = 0; d < x.Length; d++)
                    if (encoder.Continuous[d]) trial[d] = Math.Clamp(x[d] + step * gradient[d] / norm, 0, 1);
                var (trialValue, trialGradient) = ValueAndGradient(trial);
                if (trialValue > value)
                {
                    (x, value, gradient) = (trial, trialValue, trialGradient);
                    step *= 2;
                    moved = true;
                    break;
                }
                step *= 0.5;
            }
            if (!moved) break;
        }
        return x;
    }

    private (double Value, double[] Gradient) ValueAndGradient(double[] x)
    {
        var (mean, variance, dMean, dVariance) = gp.PredictWithGradient(x);
        var (value, byMean, byVariance) = LogExpectedImprovement.WithDerivatives(mean, variance, best);
        var gradient = new double[x.Length];
        for (var d = 0; d < x.Length; d++)
            if (encoder.Continuous[d]) gradient[d] = byMean * dMean[d] + byVariance * dVariance[d];
        return (value, gradient);
    }
}
