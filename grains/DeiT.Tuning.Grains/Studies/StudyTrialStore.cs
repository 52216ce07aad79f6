using System.Globalization;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Search.Pruners;
using Orleans.Storage;

namespace DeiT.Tuning.Grains.Studies;

/// <summary>
/// The trials of one study, each in its own entry of the grain storage ("study-trial-{n}" of the study's grain id,
/// with its own ETag), so a report writes one trial whatever the study's size, on any provider. The header (spec,
/// clocks, sampler, leases held, trial count) stays in the grain's "study" state.
/// <para>Write order: a trial's entry before the header whenever both change. A crash between the two leaves an entry
/// ahead of the header; <see cref="Load"/> reconciles: an entry numbered at or past the header's trial count is
/// adopted (a new trial whose header write was lost), a lease the header holds but the trial's entry has released is
/// dropped, and a trial marked interrupting whose current attempt's outcome was applied is unmarked. An outcome is
/// marked applied in the same write that applies it, so it is never applied twice.</para>
/// </summary>
public sealed class StudyTrialStore(IGrainStorage storage, GrainId study)
{
    private const int Batch = 64;
    private const string WarmStartName = "study-warm-start";

    private readonly List<GrainState<StudyTrialEntry>> _entries = [];
    /// <summary>The entry read past the last trial: its ETag lets the next trial be written over a cleared one.</summary>
    private GrainState<StudyTrialEntry>? _next;
    private GrainState<StudyWarmStartEntry> _warmStart = new() { State = new() };

    public static string EntryName(int number) => "study-trial-" + number.ToString(CultureInfo.InvariantCulture);

    public IEnumerable<DeviceLease> ReleasedLeases => _entries.SelectMany(e => e.State!.ReleasedLeases);

    /// <summary>
    /// Reads every trial of the study whose header is <paramref name="header"/> into it (splitting a study stored as
    /// one blob into entries, and loading the pruner's per-trial state); true when the header must be written again.
    /// </summary>
    public async Task<bool> Load(StudyGrainState header, IPruner pruner)
    {
        var known = Math.Max(header.TrialCount, header.StoredTrials.Count);
        for (var start = 0; start < known; start += Batch)
            _entries.AddRange(await Task.WhenAll(Enumerable.Range(start, Math.Min(Batch, known - start)).Select(Read<StudyTrialEntry>)));
        while ((_next = await Read<StudyTrialEntry>(_entries.Count)).RecordExists)
        {
            _entries.Add(_next); // written before its header, which was then lost
            _next = null;
        }
        var rewrite = _entries.Count != header.TrialCount;
        if (header.StoredTrials.Count > 0) rewrite |= await Migrate(header, pruner);

        var perTrial = pruner as ITrialStatePruner;
        header.Trials = _entries.Select((e, n) => e.State!.Record ?? Lost(n)).ToList();
        for (var n = 0; n < _entries.Count; n++)
            if (_entries[n].State!.PrunerState is { } state) perTrial?.LoadTrialState(n, state);

        rewrite |= header.Leases.RemoveAll(l => Number(l.TrialKey) is var n && n < _entries.Count
            && _entries[n].State!.ReleasedLeases.Any(r => r.Attempt == l.Attempt)) > 0;
        rewrite |= header.Interrupting.RemoveWhere(n => n < _entries.Count && _entries[n].State!.OutcomesSeen.Contains(header.Trials[n].Attempt)) > 0;

        if (header.StoredWarmStartTrials.Count > 0)
        {
            header.WarmStartTrials = header.StoredWarmStartTrials;
            header.StoredWarmStartTrials = [];
            await SaveWarmStart(header.WarmStartTrials);
            rewrite = true;
        }
        else if (header.Spec?.WarmStart is not null)
        {
            _warmStart = await Read<StudyWarmStartEntry>(WarmStartName);
            header.WarmStartTrials = _warmStart.State!.Trials;
        }
        return rewrite;
    }

    /// <summary>Writes an entry for every trial of a one-blob study that has none yet (a migration cut short kept the rest).</summary>
    private async Task<bool> Migrate(StudyGrainState header, IPruner pruner)
    {
        var released = header.Leases.Where(l => l.ReleasedAt is not null).ToLookup(l => Number(l.TrialKey));
        var seen = header.StoredOutcomesSeen.Select(s => s.Split('/')).ToLookup(p => int.Parse(p[0], CultureInfo.InvariantCulture), p => int.Parse(p[1], CultureInfo.InvariantCulture));
        var missing = Enumerable.Range(0, header.StoredTrials.Count).Where(n => !_entries[n].RecordExists).ToList();
        foreach (var n in missing)
            _entries[n].State = new StudyTrialEntry
            {
                Record = header.StoredTrials[n],
                ReleasedLeases = released[n].ToList(),
                OutcomesSeen = seen[n].ToHashSet(),
                PrunerState = (pruner as ITrialStatePruner)?.SaveTrialState(n),
            };
        for (var start = 0; start < missing.Count; start += Batch)
            await Task.WhenAll(missing.Skip(start).Take(Batch).Select(n => Write(EntryName(n), _entries[n])));
        header.Leases.RemoveAll(l => l.ReleasedAt is not null);
        header.StoredTrials = [];
        header.StoredOutcomesSeen = [];
        if (pruner is ITrialStatePruner) header.PrunerState = null;
        return true;
    }

    /// <summary>Stores one trial (its record, what the pruner holds about it, its released leases and applied outcomes).</summary>
    public Task Save(int number, TrialRecord record, string? prunerState)
    {
        var entry = Entry(number);
        entry.State!.Record = record;
        entry.State!.PrunerState = prunerState;
        return Write(EntryName(number), entry);
    }

    /// <summary>False when this attempt's outcome was applied already; stored with the trial's next <see cref="Save"/>.</summary>
    public bool MarkOutcomeSeen(int number, int attempt) => Entry(number).State!.OutcomesSeen.Add(attempt);

    /// <summary>Keeps a released lease with its trial; stored with the trial's next <see cref="Save"/>.</summary>
    public void AddReleasedLease(int number, DeviceLease lease) => Entry(number).State!.ReleasedLeases.Add(lease);

    public Task SaveWarmStart(List<TrialRecord> trials)
    {
        _warmStart.State = new StudyWarmStartEntry { Trials = trials };
        return Write(WarmStartName, _warmStart);
    }

    /// <summary>Removes every entry; the header is cleared after, so an interrupted delete leaves a study to delete again.</summary>
    public async Task Clear()
    {
        for (var end = _entries.Count; end > 0; end -= Batch)
        {
            var start = Math.Max(0, end - Batch);
            await Task.WhenAll(Enumerable.Range(start, end - start).Select(n => storage.ClearStateAsync(EntryName(n), study, _entries[n])));
        }
        if (_warmStart.RecordExists) await storage.ClearStateAsync(WarmStartName, study, _warmStart);
        _entries.Clear();
    }

    private GrainState<StudyTrialEntry> Entry(int number)
    {
        while (_entries.Count <= number)
        {
            _entries.Add(_next ?? new GrainState<StudyTrialEntry> { State = new() });
            _next = null;
        }
        return _entries[number];
    }

    private async Task Write<T>(string name, GrainState<T> entry)
    {
        try
        {
            await storage.WriteStateAsync(name, study, entry);
        }
        catch (InconsistentStateException) when (entry.ETag is null)
        {
            // Never read: a deleted study of this name may have left the entry cleared but present (Redis and
            // PostgreSQL keep the row). Take its ETag unless it holds a record, which would be a real conflict.
            var stored = await Read<T>(name);
            if (stored.RecordExists) throw;
            entry.ETag = stored.ETag;
            await storage.WriteStateAsync(name, study, entry);
        }
    }

    private Task<GrainState<T>> Read<T>(int number) => Read<T>(EntryName(number));

    private async Task<GrainState<T>> Read<T>(string name)
    {
        var entry = new GrainState<T>();
        await storage.ReadStateAsync(name, study, entry);
        return entry;
    }

    private static TrialRecord Lost(int number) => new()
    {
        Number = number, Status = TrialStatus.Failed, Reason = "its stored record is missing (a delete was interrupted?)",
    };

    private static int Number(string trialKey) => int.Parse(trialKey[(trialKey.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
}
