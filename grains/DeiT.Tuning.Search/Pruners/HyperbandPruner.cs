using System.Text;
using System.Text.Json;

namespace DeiT.Tuning.Search.Pruners;

/// <summary>
/// Hyperband as Optuna runs it: ⌊log_η(max/min)⌋ + 1 brackets, bracket i an ASHA with early-stopping rate i, and
/// each trial put in a bracket by CRC-32 of "{HashKey}_{number}" modulo the total allocation budget — so any silo
/// computes the same bracket without coordination. Bracket i's budget is ⌈B·η^s / (s+1)⌉, s = B − 1 − i.
/// </summary>
public sealed class HyperbandPruner : ITrialStatePruner
{
    private readonly PrunerOptions _options;
    private readonly SuccessiveHalvingPruner[] _brackets;

    public HyperbandPruner(PrunerOptions options)
    {
        _options = options;
        if (options.MaxResource is not { } max)
            throw new ArgumentException("hyperband needs max_resource (the epochs of a full trial), e.g. --pruner hyperband:max_resource=300");
        BracketCount = (int)Math.Floor(Math.Log((double)max / options.MinResource) / Math.Log(options.ReductionFactor) + 1e-9) + 1;
        Budgets = Enumerable.Range(0, BracketCount).Select(i =>
        {
            var s = BracketCount - 1 - i;
            return (int)Math.Ceiling(BracketCount * Math.Pow(options.ReductionFactor, s) / (s + 1));
        }).ToArray();
        _brackets = Enumerable.Range(0, BracketCount)
            .Select(i => new SuccessiveHalvingPruner(options with { MinEarlyStoppingRate = i }))
            .ToArray();
    }

    public string Name => "hyperband";

    public int BracketCount { get; }

    /// <summary>Trial allocation budget of each bracket (the share of trials it receives).</summary>
    public IReadOnlyList<int> Budgets { get; }

    public int BracketOf(int trialNumber)
    {
        var n = (long)(Crc32(Encoding.UTF8.GetBytes($"{_options.HashKey}_{trialNumber}")) % (uint)Budgets.Sum());
        for (var i = 0; i < BracketCount; i++)
        {
            n -= Budgets[i];
            if (n < 0) return i;
        }
        return BracketCount - 1;
    }

    public bool ShouldPrune(FrozenTrial trial, IReadOnlyList<FrozenTrial> trials, StudyDirection direction)
    {
        var bracket = BracketOf(trial.Number);
        var peers = trials.Where(t => BracketOf(t.Number) == bracket).ToList();
        return _brackets[bracket].ShouldPrune(trial, peers, direction);
    }

    /// <summary>
    /// As Optuna's HyperbandPruner filters the study its sampler sees: only the trials of the new trial's bracket, so
    /// a bracket that stops trials at epoch 1 does not steer, or get steered by, one that runs them to the end (their
    /// values and pruned fractions differ). Trials numbered below 0 (warm-started from another study) belong to every bracket.
    /// </summary>
    public IReadOnlyList<FrozenTrial> TrialsForSampling(int number, IReadOnlyList<FrozenTrial> trials)
    {
        var bracket = BracketOf(number);
        return trials.Where(t => t.Number < 0 || BracketOf(t.Number) == bracket).ToList();
    }

    public string SaveState() => JsonSerializer.Serialize(_brackets.Select(b => b.SaveState()).ToArray());

    public void LoadState(string state)
    {
        if (string.IsNullOrEmpty(state)) return;
        var states = JsonSerializer.Deserialize<string[]>(state)!;
        if (states.Length != _brackets.Length)
            throw new ArgumentException($"hyperband state has {states.Length} brackets but the pruner has {_brackets.Length}; restore it with the same settings");
        for (var i = 0; i < states.Length; i++) _brackets[i].LoadState(states[i]);
    }

    public string? SaveTrialState(int number) => _brackets[BracketOf(number)].SaveTrialState(number);

    public void LoadTrialState(int number, string state) => _brackets[BracketOf(number)].LoadTrialState(number, state);

    // CRC-32 (IEEE 802.3, as zlib/binascii.crc32), bitwise: called once per decision, speed does not matter.
    internal static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
