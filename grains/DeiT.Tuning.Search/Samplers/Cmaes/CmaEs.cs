using DeiT.Tuning.Search.Random;
using MathNet.Numerics.LinearAlgebra;

namespace DeiT.Tuning.Search.Samplers.Cmaes;

/// <summary>
/// (μ/μ_w, λ)-CMA-ES on the unit cube (Hansen's tutorial, 2016: positive recombination weights, cumulative step-size
/// adaptation, rank-one and rank-μ covariance updates). Samples outside the cube are redrawn (at most 100 times, then
/// clipped), as the cmaes package Optuna uses does. The state is plain arrays so a sampler can save and restore it.
/// </summary>
internal sealed class CmaEs
{
    private const double MinSigmaSpread = 1e-7;
    private const double MaxCondition = 1e14;

    private readonly int _n;
    private readonly double[] _weights;
    private readonly double _muEff, _cSigma, _dSigma, _cC, _c1, _cMu, _chiN;
    private Matrix<double>? _b;
    private Vector<double>? _d;

    public CmaEs(CmaEsState state)
    {
        State = state;
        _n = state.Mean.Length;
        var lambda = state.PopulationSize;
        var mu = lambda / 2;
        var raw = Enumerable.Range(1, mu).Select(i => Math.Log((lambda + 1) / 2.0) - Math.Log(i)).ToArray();
        _weights = raw.Select(w => w / raw.Sum()).ToArray();
        _muEff = 1 / _weights.Sum(w => w * w);
        _cSigma = (_muEff + 2) / (_n + _muEff + 5);
        _dSigma = 1 + 2 * Math.Max(0, Math.Sqrt((_muEff - 1) / (_n + 1)) - 1) + _cSigma;
        _cC = (4 + _muEff / _n) / (_n + 4 + 2 * _muEff / _n);
        _c1 = 2 / (Math.Pow(_n + 1.3, 2) + _muEff);
        _cMu = Math.Min(1 - _c1, 2 * (_muEff - 2 + 1 / _muEff) / (Math.Pow(_n + 2, 2) + _muEff));
        _chiN = Math.Sqrt(_n) * (1 - 1.0 / (4 * _n) + 1.0 / (21.0 * _n * _n));
    }

    public CmaEsState State { get; private set; }

    /// <summary>λ = 4 + ⌊3 ln n⌋, the default population of CMA-ES.</summary>
    public static int DefaultPopulation(int dimensions) => 4 + (int)Math.Floor(3 * Math.Log(dimensions));

    public static CmaEsState Start(double[] mean, double sigma, int population)
    {
        var n = mean.Length;
        var c = new double[n * n];
        for (var i = 0; i < n; i++) c[i * n + i] = 1;
        return new CmaEsState(mean, sigma, c, new double[n], new double[n], population, 0);
    }

    private Matrix<double> Covariance => Matrix<double>.Build.Dense(_n, _n, State.Covariance);

    private (Matrix<double> B, Vector<double> D) Eigen()
    {
        if (_b is not null) return (_b, _d!);
        var c = Covariance;
        c = 0.5 * (c + c.Transpose());
        var evd = c.Evd(Symmetricity.Symmetric);
        _b = evd.EigenVectors;
        _d = evd.EigenValues.Map(e => Math.Sqrt(Math.Max(e.Real, 1e-20)));
        return (_b, _d);
    }

    /// <summary>A candidate m + σ·B·D·z inside [0, 1]ⁿ.</summary>
    public double[] Ask(Rng rng)
    {
        var (b, d) = Eigen();
        var mean = Vector<double>.Build.DenseOfArray(State.Mean);
        Vector<double> x = mean;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var z = Vector<double>.Build.Dense(_n, _ => rng.NextNormal());
            x = mean + State.Sigma * (b * d.PointwiseMultiply(z));
            if (x.All(v => v is >= 0 and <= 1)) return x.ToArray();
        }
        return x.Select(v => Math.Clamp(v, 0, 1)).ToArray();
    }

    /// <summary>One generation's update from at least λ evaluated candidates (lower value is better).</summary>
    public void Tell(IReadOnlyList<(double[] X, double Value)> solutions)
    {
        var (b, d) = Eigen();
        var n = _n;
        var sigma = State.Sigma;
        var mean = Vector<double>.Build.DenseOfArray(State.Mean);
        var ranked = solutions.OrderBy(s => s.Value).Take(_weights.Length)
            .Select(s => (Vector<double>.Build.DenseOfArray(s.X) - mean) / sigma).ToList();
        var yW = Vector<double>.Build.Dense(n);
        for (var i = 0; i < ranked.Count; i++) yW += _weights[i] * ranked[i];
        var newMean = mean + sigma * yW;

        // C^(−1/2)·y_w = B·D⁻¹·Bᵀ·y_w
        var cInvSqrtY = b * (b.TransposeThisAndMultiply(yW) / d);
        var pSigma = (1 - _cSigma) * Vector<double>.Build.DenseOfArray(State.PathSigma) + Math.Sqrt(_cSigma * (2 - _cSigma) * _muEff) * cInvSqrtY;
        var generation = State.Generation + 1;
        var hSigma = pSigma.L2Norm() / Math.Sqrt(1 - Math.Pow(1 - _cSigma, 2 * generation)) < (1.4 + 2.0 / (n + 1)) * _chiN ? 1.0 : 0.0;
        var pC = (1 - _cC) * Vector<double>.Build.DenseOfArray(State.PathC) + hSigma * Math.Sqrt(_cC * (2 - _cC) * _muEff) * yW;

        var c = Covariance;
        var rankMu = Matrix<double>.Build.Dense(n, n);
        for (var i = 0; i < ranked.Count; i++) rankMu += _weights[i] * ranked[i].OuterProduct(ranked[i]);
        c = (1 - _c1 - _cMu) * c + _c1 * (pC.OuterProduct(pC) + (1 - hSigma) * _cC * (2 - _cC) * c) + _cMu * rankMu;
        var newSigma = sigma * Math.Exp(_cSigma / _dSigma * (pSigma.L2Norm() / _chiN - 1));

        State = State with
        {
            Mean = newMean.ToArray(), Sigma = Math.Min(newSigma, 1.0), Covariance = c.ToColumnMajorArray(),
            PathSigma = pSigma.ToArray(), PathC = pC.ToArray(), Generation = generation,
        };
        _b = null;
        _d = null;
    }

    /// <summary>
    /// Whether the search has collapsed and a restart would do better: the spread σ·√max(diag C) is below 1e−7 of
    /// the cube, the covariance is ill-conditioned, or the last generation's values were all equal.
    /// </summary>
    public bool HasConverged(IReadOnlyList<double> lastValues)
    {
        var diagonal = Enumerable.Range(0, _n).Select(i => State.Covariance[i * _n + i]).Max();
        if (State.Sigma * Math.Sqrt(diagonal) < MinSigmaSpread) return true;
        var (_, d) = Eigen();
        if (Math.Pow(d.Maximum() / d.Minimum(), 2) > MaxCondition) return true;
        var finite = lastValues.Where(double.IsFinite).ToList();
        return finite.Count == lastValues.Count && finite.Count > 1 && finite.Max() - finite.Min() <= 1e-12 * Math.Max(1, Math.Abs(finite.Min()));
    }
}

/// <summary>What CMA-ES carries between generations (covariance column-major, n×n).</summary>
internal sealed record CmaEsState(
    double[] Mean, double Sigma, double[] Covariance, double[] PathSigma, double[] PathC, int PopulationSize, int Generation);
