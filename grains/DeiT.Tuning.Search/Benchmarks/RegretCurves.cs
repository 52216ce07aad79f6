namespace DeiT.Tuning.Search.Benchmarks;

/// <summary>
/// The simple regret after each finished trial (in finishing order) of one sampler's runs on a function, one curve
/// per seed, all of the same length.
/// </summary>
public sealed record RegretCurves(string Function, string Sampler, int Workers, IReadOnlyList<double[]> PerSeed)
{
    public int Trials => PerSeed[0].Length;

    public RegretResult At(int trials) => new(Function, Sampler, trials, Workers, PerSeed.Select(c => c[trials - 1]).ToList());

    public double MedianAt(int trials) => Statistics.Median(PerSeed.Select(c => c[trials - 1]).ToList());

    /// <summary>
    /// The fewest finished trials after which the median regret is at most <paramref name="regret"/> (regrets below
    /// <see cref="RegretComparison.SolvedRegret"/> count as reached); null when the runs never get there.
    /// </summary>
    public int? TrialsToReach(double regret)
    {
        var target = Math.Max(regret, RegretComparison.SolvedRegret);
        for (var n = 1; n <= Trials; n++)
            if (MedianAt(n) <= target) return n;
        return null;
    }
}
