using System.Globalization;
using System.Text.Json;
using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Hosting;
using DeiT.Tuning.Grains.Placement;
using DeiT.Tuning.Search.Distributions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace DeiT.Tuning.Grains.Studies;

/// <summary>
/// Runs one study. It leases a device, asks its <see cref="StudyTuner"/> for a configuration (running trials count
/// as pending points), persists the trial record, then starts the trial grain on the leased device's silo. Epoch
/// reports go through the tuner's pruner; outcomes are applied once per attempt. A watchdog timer re-dispatches trials
/// whose silo left or whose heartbeat went stale; they resume from their checkpoints. State is written before
/// every reply that depends on it: each trial in its own entry (<see cref="SaveTrial"/>), then the small header
/// (<see cref="SaveHeader"/>) when it changed too — see <see cref="StudyTrialStore"/> for the layout and order.
/// </summary>
public sealed class StudyGrain(
    [PersistentState("study", StorageNames.Default)] IPersistentState<StudyGrainState> header,
    IClusterMembershipService membership,
    IOptions<TuningSiloOptions> siloOptions,
    ILogger<StudyGrain> logger) : Grain, IStudyGrain
{
    private static readonly TimeSpan WatchdogPeriodMax = TimeSpan.FromSeconds(5);

    private StudyTuner? _tuner;
    private IGrainTimer? _watchdog;
    private StudyTrialStore _trials = null!;
    /// <summary>Heartbeats sent before this activation existed went nowhere: silence counts from its creation at the earliest.</summary>
    private readonly DateTimeOffset _listeningSince = DateTimeOffset.UtcNow;

    private StudyGrainState S => header.State;
    private StudySpec Spec => S.Spec ?? throw new KeyNotFoundException($"study '{this.GetPrimaryKeyString()}' does not exist: create it with `deit-tune search start --study {this.GetPrimaryKeyString()}`");
    private IDeviceRegistryGrain Registry => GrainFactory.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _trials = new StudyTrialStore(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default), this.GetGrainId());
        if (S.Spec is null) return;
        _tuner = new StudyTuner(S.Spec, S.SamplerState, S.PrunerState);
        if (await _trials.Load(S, _tuner.Pruner)) await SaveHeader();
        // Reactivated elsewhere mid-study (its silo died): carry on, unless this is a short-lived read-only silo.
        if (S.State is StudyState.Running or StudyState.Stopping && siloOptions.Value.WakeStudiesOnStart) EnsureWatchdog();
    }

    public async Task<StudySnapshot> Create(StudySpec spec)
    {
        if (spec.Name != this.GetPrimaryKeyString())
            throw new ArgumentException($"spec name '{spec.Name}' differs from the study grain's key '{this.GetPrimaryKeyString()}'");
        if (S.Spec is not null)
        {
            if (JsonSerializer.Serialize(S.Spec) != JsonSerializer.Serialize(spec))
                throw new ArgumentException($"study '{spec.Name}' already exists with other settings: resume it with `search resume --study {spec.Name}` or pick a new --study name");
            return Snapshot();
        }
        try
        {
            _tuner = new StudyTuner(spec, samplerState: null, prunerState: null); // a bad space, sampler or pruner is refused before anything is stored
        }
        catch (SearchSpaceException e)
        {
            throw new ArgumentException($"search space: {e.Message}"); // the library's exception type is not serializable
        }
        StudySpecValidation.Validate(spec, _tuner.Space);
        if (spec.WarmStart is { } source) S.WarmStartTrials = await WarmStartTrials(spec, source);
        S.Spec = spec;
        S.State = StudyState.Created;
        S.CreatedAt = DateTimeOffset.UtcNow;
        if (S.WarmStartTrials.Count > 0) await _trials.SaveWarmStart(S.WarmStartTrials);
        await SaveHeader();
        await GrainFactory.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).Add(spec.Name);
        return Snapshot();
    }

    /// <summary>The finished trials of <paramref name="source"/> that fit this study's space, as observations numbered
    /// −n … −1 (before this study's own trials).</summary>
    private async Task<List<TrialRecord>> WarmStartTrials(StudySpec spec, string source)
    {
        StudyNames.Validate(source);
        if (source == spec.Name) throw new ArgumentException("warm start: name another study than this one");
        var earlier = await GrainFactory.GetGrain<IStudyGrain>(source).GetSnapshot()
            ?? throw new ArgumentException($"warm start: there is no study '{source}' (`deit-tune studies` lists them)");
        if (earlier.Spec.Metric != spec.Metric || earlier.Spec.Direction != spec.Direction)
            throw new ArgumentException($"warm start: study '{source}' {earlier.Spec.Direction.ToString().ToLowerInvariant()}s {earlier.Spec.Metric}, this one " +
                $"{spec.Direction.ToString().ToLowerInvariant()}s {spec.Metric}: their values are not comparable");
        var usable = earlier.Trials.Where(t => t.Status is TrialStatus.Completed or TrialStatus.Pruned && t.Value is { } v && double.IsFinite(v)
            && t.RetrainOf is null && Fits(t)).ToList();
        return usable.Select((t, i) => t with { Number = i - usable.Count }).ToList();

        bool Fits(TrialRecord trial)
        {
            try
            {
                _tuner!.Space.Validate(SearchAlgorithms.ToValues(trial.Params));
                return true;
            }
            catch (SearchSpaceException)
            {
                return false;
            }
        }
    }

    public async Task<StudySnapshot> Run()
    {
        _ = Spec;
        if (S.State is StudyState.Finished && LaunchedTrials() >= Spec.Trials && RunningTrials().Count == 0) return Snapshot();
        if (Spec.Runner.Kind != RunnerKind.AskTell && (await Registry.GetInventory()).Silos.Values.Sum(d => d.Count) == 0)
            throw new InvalidOperationException("no silo in the cluster offers a device: start silos with Devices=cpu:NxT or cuda:0,… (see `deit-tune silo --help`)");
        if (S.State is not StudyState.Running)
        {
            S.State = StudyState.Running;
            S.StopReason = null;
            S.FinishedAt = null;
            S.StartedAt ??= DateTimeOffset.UtcNow;
            S.RunningSince = DateTimeOffset.UtcNow;
            await SaveHeader();
        }
        EnsureWatchdog();
        await TickLogged();
        return Snapshot();
    }

    public Task Wake()
    {
        if (S.Spec is not null && S.State is StudyState.Running or StudyState.Stopping) EnsureWatchdog();
        return Task.CompletedTask;
    }

    public async Task<StudySnapshot> Stop()
    {
        _ = Spec;
        if (S.State is StudyState.Running)
        {
            PauseClock();
            S.State = StudyState.Stopping;
            S.StopReason = "stopped on request";
            await SaveHeader();
            var members = membership.CurrentSnapshot;
            foreach (var trial in RunningTrials().Where(t => t.Device is not null))
            {
                if (trial.Silo is null || members.GetSiloStatus(SiloAddress.FromParsableString(trial.Silo)) != SiloStatus.Active)
                {
                    // Its silo is gone (e.g. the process that ran an embedded study ended): nothing to wait for.
                    await ReleaseLease(trial.Number, trial.Attempt);
                    S.Trials[trial.Number] = trial with { Device = null, Silo = null };
                    await SaveTrial(trial.Number);
                    continue;
                }
                S.Interrupting.Add(trial.Number);
                await GrainFactory.GetGrain<ITrialGrain>(TrialKeys.OfAttempt(Spec.Name, trial.Number, trial.Attempt)).Stop("the study was stopped");
            }
            await SaveHeader();
            await SettleIfIdle();
        }
        return Snapshot();
    }

    public async Task<StudySnapshot> Extend(int? trials, TimeSpan? timeBudget, int? patience = null, double? targetValue = null)
    {
        var spec = Spec;
        if (trials is null && timeBudget is null && patience is null && targetValue is null)
            throw new ArgumentException("give a new trial budget (--trials), time budget (--time-budget), patience (--patience) or target (--stop-at)");
        if (trials is { } t && t <= spec.Trials)
            throw new ArgumentException($"the trial budget can only be raised: the study has {spec.Trials} trials, give --trials above that");
        if (timeBudget is { } b && spec.TimeBudget is { } old && b <= old)
            throw new ArgumentException($"the time budget can only be raised: the study has {old}, give --time-budget above that");
        if (patience is { } p && (spec.Patience is not { } oldPatience || p <= oldPatience))
            throw new ArgumentException(spec.Patience is null
                ? "the study has no patience to raise (it was started without --patience)"
                : $"the patience can only be raised: the study has {spec.Patience} trials, give --patience above that");
        if (targetValue is { } v && (spec.TargetValue is not { } oldTarget || !(spec.Direction == OptimizationDirection.Maximize ? v > oldTarget : v < oldTarget)))
            throw new ArgumentException(spec.TargetValue is null
                ? "the study has no target to move (it was started without --stop-at)"
                : $"the target can only be moved further: the study stops at {spec.TargetValue}, give --stop-at {(spec.Direction == OptimizationDirection.Maximize ? "above" : "below")} that");
        S.Spec = spec with
        {
            Trials = trials ?? spec.Trials, TimeBudget = timeBudget ?? spec.TimeBudget,
            Patience = patience ?? spec.Patience, TargetValue = targetValue ?? spec.TargetValue,
        };
        // What stopped launching may be lifted now; the next tick says again what still holds.
        if (S.State is StudyState.Running) S.StopReason = null;
        await SaveHeader();
        if (S.State is StudyState.Running) await TickLogged();
        return Snapshot();
    }

    public async Task<StudySnapshot> Retrain(int top, int seeds, int epochs)
    {
        var spec = Spec;
        if (top < 1 || seeds < 1 || epochs < 1) throw new ArgumentException($"top, seeds and epochs must be at least 1 (got {top}, {seeds}, {epochs})");
        if (spec.Runner.Kind == RunnerKind.AskTell) throw new ArgumentException("an ask-and-tell study trains outside the cluster: retrain its configurations yourself");
        var best = Ranked(S.Trials.Where(t => t.RetrainOf is null)).Take(top).ToList();
        if (best.Count == 0) throw new ArgumentException($"study '{spec.Name}' has no scored trial to retrain yet");
        var added = 0;
        var first = S.Trials.Count;
        foreach (var trial in best)
            for (var s = 0; s < seeds; s++, added++)
                S.Trials.Add(new TrialRecord
                {
                    Number = S.Trials.Count, Params = trial.Params, RetrainOf = trial.Number, EpochBudget = epochs,
                    Seed = TrialSeed(trial) + s, CreatedAt = DateTimeOffset.UtcNow,
                }); // no device yet: the next tick leases one and dispatches it like a trial to resume
        S.Spec = spec with { Trials = spec.Trials + added };
        if (S.State is StudyState.Finished) S.StopReason = null;
        for (var number = first; number < S.Trials.Count; number++) await SaveTrial(number);
        await SaveHeader();
        if (S.State is StudyState.Running) await TickLogged();
        return Snapshot();
    }

    public async Task Delete()
    {
        var spec = Spec;
        if (S.State is StudyState.Running or StudyState.Stopping && ActiveDeviceTrials() > 0)
            throw new InvalidOperationException($"study '{spec.Name}' has trials running: stop it first (`deit-tune search stop --study {spec.Name}`)");
        _watchdog?.Dispose();
        _watchdog = null;
        foreach (var lease in S.Leases.Where(l => l.ReleasedAt is null).ToList()) await ReleaseLease(ParseNumber(lease.TrialKey), lease.Attempt);
        var folder = Path.GetFullPath(Path.Combine(siloOptions.Value.CheckpointRoot, spec.Name));
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        await GrainFactory.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).Remove(spec.Name);
        await _trials.Clear();
        await header.ClearStateAsync();
        header.State = new StudyGrainState();
        DeactivateOnIdle();
    }

    private static int ParseNumber(string trialKey) => int.Parse(trialKey[(trialKey.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);

    public Task<StudySnapshot?> GetSnapshot() => Task.FromResult(S.Spec is null ? null : Snapshot());

    public Task<IReadOnlyList<TrialRecord>> GetLeaderboard(int top)
    {
        _ = Spec;
        return Task.FromResult<IReadOnlyList<TrialRecord>>(Ranked(S.Trials).Take(Math.Max(1, top)).ToList());
    }

    private IEnumerable<TrialRecord> Ranked(IEnumerable<TrialRecord> trials)
    {
        var ranked = trials.Where(t => t.Value is { } v && double.IsFinite(v) && t.Status is TrialStatus.Completed or TrialStatus.Pruned);
        return Spec.Direction == OptimizationDirection.Maximize
            ? ranked.OrderByDescending(t => t.Value).ThenBy(t => t.Number)
            : ranked.OrderBy(t => t.Value).ThenBy(t => t.Number);
    }

    public async Task<TrialRecord> Ask()
    {
        _ = Spec;
        var record = NewTrial(external: true);
        S.Trials.Add(record);
        await SaveTrial(record.Number);
        await SaveHeader();
        return record;
    }

    public async Task<TrialRecord> Tell(int number, TrialStatus status, double? value, string? reason)
    {
        var index = IndexOf(number) ?? throw new KeyNotFoundException($"study '{Spec.Name}' has no trial {number}");
        var record = S.Trials[index];
        if (!record.External)
            throw new InvalidOperationException($"trial {number} is run by the cluster; only trials from `study ask` take `study tell`");
        if (record.IsFinished)
        {
            if (record.Status == status && record.Value == value) return record; // the same tell twice
            throw new InvalidOperationException($"trial {number} was already told ({record.Status.ToString().ToLowerInvariant()}" +
                (record.Value is { } told ? $", value {told.ToString(CultureInfo.InvariantCulture)})" : ")"));
        }
        if (status == TrialStatus.Running) throw new ArgumentException("tell needs a final state: completed, pruned or failed");
        if (status == TrialStatus.Completed && (value is null || !double.IsFinite(value.Value)))
        {
            status = TrialStatus.Failed;
            reason ??= $"value {value?.ToString(CultureInfo.InvariantCulture) ?? "missing"} is not a finite number";
        }
        record = record with { Status = status, Value = status == TrialStatus.Failed ? null : value, Reason = reason, FinishedAt = DateTimeOffset.UtcNow };
        S.Trials[index] = record;
        await SaveTrial(index);
        return record;
    }

    public async Task<EpochVerdict> ReportEpoch(int number, int attempt, EpochMetrics metrics)
    {
        if (S.Spec is null || IndexOf(number) is not { } index) return EpochVerdict.Stop;
        var record = S.Trials[index];
        if (record.IsFinished || record.Attempt != attempt) return EpochVerdict.Stop;

        var epochs = record.Epochs.Where(e => e.Epoch < metrics.Epoch).Append(metrics).ToList();
        var value = metrics.Metric(Spec.Metric);
        record = record with { Epochs = epochs, LastHeartbeat = DateTimeOffset.UtcNow, Value = BestValue(epochs) };
        var verdict = EpochVerdict.Continue;
        var prunerStateChanged = false;
        if (!double.IsFinite(value))
        {
            record = Finish(record, TrialStatus.Failed, $"{Spec.Metric} is {value.ToString(CultureInfo.InvariantCulture)} at epoch {metrics.Epoch}") with { Value = null };
            verdict = EpochVerdict.Stop;
        }
        else if (S.State is not StudyState.Running)
        {
            verdict = EpochVerdict.Stop; // `search stop`: the trial waits, interrupted, for `search resume`
        }
        else
        {
            if (_tuner!.PruneReason(S.Trials, index, record, metrics) is { } pruned)
            {
                record = Finish(record, TrialStatus.Pruned, pruned);
                verdict = EpochVerdict.Stop;
            }
            prunerStateChanged = KeepPrunerState();
        }
        S.Trials[index] = record;
        await SaveTrial(index);
        if (prunerStateChanged) await SaveHeader();
        return verdict;
    }

    public async Task RecoverEpochs(int number, int attempt, IReadOnlyList<EpochMetrics> journaled)
    {
        if (S.Spec is null || IndexOf(number) is not { } index) return;
        var record = S.Trials[index];
        if (record.IsFinished || record.Attempt != attempt) return;
        var known = record.Epochs.Select(e => e.Epoch).ToHashSet();
        var missing = journaled.Where(e => e.Epoch >= 1 && e.Epoch <= Spec.EpochsOf(record) && !known.Contains(e.Epoch)).ToList();
        if (missing.Count == 0) return;
        var epochs = record.Epochs.Concat(missing).OrderBy(e => e.Epoch).ToList();
        logger.LogInformation("trial {Trial}: epochs {Epochs} recovered from its journal (their reports were lost with a silo)",
            number, string.Join(",", missing.Select(e => e.Epoch)));
        record = record with { Epochs = epochs, LastHeartbeat = DateTimeOffset.UtcNow, Value = BestValue(epochs) };
        if (missing.FirstOrDefault(e => !double.IsFinite(e.Metric(Spec.Metric))) is { } bad)
            record = Finish(record, TrialStatus.Failed, $"{Spec.Metric} is {bad.Metric(Spec.Metric).ToString(CultureInfo.InvariantCulture)} at epoch {bad.Epoch}") with { Value = null };
        S.Trials[index] = record;
        await SaveTrial(index);
    }

    public Task Heartbeat(int number, int attempt)
    {
        if (S.Spec is not null && IndexOf(number) is { } index && S.Trials[index] is { IsFinished: false } record && record.Attempt == attempt)
            S.Trials[index] = record with { LastHeartbeat = DateTimeOffset.UtcNow }; // kept in memory; losing it costs nothing
        return Task.CompletedTask;
    }

    public async Task ReportOutcome(int number, int attempt, TrialOutcome outcome)
    {
        if (S.Spec is null || IndexOf(number) is not { } index) return;
        if (!_trials.MarkOutcomeSeen(number, attempt)) return;
        await ReleaseLease(number, attempt);
        var record = S.Trials[index];
        if (record.Attempt == attempt)
        {
            record = record with { DeviceSeconds = record.DeviceSeconds + outcome.DeviceSeconds };
            var stoppedByStudy = S.Interrupting.Remove(number);
            if (!record.IsFinished)
            {
                // A trial `search stop` ended waits, interrupted, for `search resume`: it was not pruned.
                var interrupted = outcome.Interrupted || (outcome.Status == TrialStatus.Pruned && stoppedByStudy);
                record = interrupted ? record with { Device = null, Silo = null } : outcome.Status switch
                {
                    TrialStatus.Completed when record.Epochs.Count == 0 => Finish(record, TrialStatus.Failed, "the run ended without reporting any epoch"),
                    TrialStatus.Completed => Finish(record, TrialStatus.Completed, null) with { TestTop1 = outcome.TestTop1 },
                    TrialStatus.Failed => Finish(record, TrialStatus.Failed, outcome.Reason ?? "failed"),
                    _ => Finish(record, TrialStatus.Pruned, outcome.Reason ?? "stopped"),
                };
            }
            S.Trials[index] = record;
            if (record.Status == TrialStatus.Completed && Spec.PlannedOf(record) is { Shared: true } shared) Publish(shared, record);
        }
        await SaveTrial(index);
        await SaveHeader();
        await TickLogged();
    }

    /// <summary>A shared trial (a teacher) that completed is kept for later studies; failing to copy it costs only reuse.</summary>
    private void Publish(PlannedTrialSpec planned, TrialRecord record)
    {
        try
        {
            SharedTrials.Publish(siloOptions.Value.CheckpointRoot, planned.Key, Spec.Name, record);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            logger.LogWarning("study {Study}: could not keep {Key} for later studies ({Error})", Spec.Name, planned.Key, e.Message);
        }
    }

    /// <summary>A tick whose failure (a registry or trial unreachable for now) is the watchdog's to retry, not the caller's.</summary>
    private async Task TickLogged()
    {
        try
        {
            await Tick();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "study {Study}: tick failed; the watchdog retries", Spec.Name);
        }
    }

    /// <summary>One step of the tuner: time budget and stopping rules, lost trials, new trials, and the end of the study.</summary>
    private async Task Tick()
    {
        if (S.State is StudyState.Running)
        {
            if (S.StopReason is null &&
                (Spec.TimeBudget is { } budget && RunTime() >= budget ? $"time budget {budget} reached" : StoppingRules.Reason(Spec, S.Trials)) is { } reason)
            {
                S.StopReason = reason;
                await SaveHeader();
            }
            await RedispatchLostTrials();
            if (S.StopReason is null) await LaunchTrials();
        }
        await SettleIfIdle();
    }

    private async Task LaunchTrials()
    {
        while (S.State is StudyState.Running && Spec.Runner.Kind != RunnerKind.AskTell && LaunchedTrials() < Spec.Trials && RunningTrials().Count < Spec.Parallel)
        {
            var step = PlanProgress.Next(Spec.Plan, S.Trials);
            if (step is PlanStep.Wait) return;
            if (step is PlanStep.Fail failed)
            {
                S.Trials.Add(Finish(PlannedRecord(failed.Trial), TrialStatus.Failed, failed.Reason));
                await SaveTrial(S.Trials.Count - 1);
                await SaveHeader();
                continue;
            }
            if (step is PlanStep.Launch { Trial.Shared: true } shared && SharedTrials.Find(siloOptions.Value.CheckpointRoot, shared.Trial.Key) is { } entry)
            {
                logger.LogInformation("study {Study}: {Key} was trained by study {Source}; reusing it", Spec.Name, shared.Trial.Key, entry.Study);
                S.Trials.Add(SharedTrials.Reused(PlannedRecord(shared.Trial), entry, shared.Trial.Key));
                await SaveTrial(S.Trials.Count - 1);
                await SaveHeader();
                continue;
            }
            var number = S.Trials.Count;
            var lease = await Registry.Acquire(TrialKeys.Of(Spec.Name, number), 1, Spec.Runner.Kind == RunnerKind.Command);
            if (lease is null) return;
            S.Trials.Add((step is PlanStep.Launch launch ? PlannedRecord(launch.Trial) : NewTrial(external: false)) with { Attempt = 1 });
            S.Leases.Add(lease);
            await Dispatch(S.Trials.Count - 1, lease);
        }
    }

    /// <summary>Lost trials (see <see cref="LostTrials"/>) get a new lease and attempt; they resume from their checkpoints.</summary>
    private async Task RedispatchLostTrials()
    {
        foreach (var trial in await LostTrials())
        {
            var attempt = trial.Attempt + 1;
            var lease = await Registry.Acquire(TrialKeys.Of(Spec.Name, trial.Number), attempt, Spec.Runner.Kind == RunnerKind.Command);
            if (lease is null) return;
            if (trial.Device is not null)
            {
                logger.LogWarning("trial {Trial} attempt {Attempt} is lost (silo {Silo}); starting attempt {Next}",
                    trial.Number, trial.Attempt, trial.Silo, attempt);
                await ReleaseLease(trial.Number, trial.Attempt);
            }
            S.Trials[trial.Number] = S.Trials[trial.Number] with { Attempt = attempt };
            S.Leases.Add(lease);
            await Dispatch(trial.Number, lease);
        }
    }

    /// <summary>
    /// Trials to dispatch again: without a device (a start that did not happen, `search stop`), on a silo the cluster
    /// declared dead, or silent past the heartbeat timeout and answering, when asked, that the attempt does not run.
    /// Silence alone proves nothing: this grain may have been busy, or unreachable while it moved after a silo died.
    /// </summary>
    private async Task<List<TrialRecord>> LostTrials()
    {
        var now = DateTimeOffset.UtcNow;
        var members = membership.CurrentSnapshot;
        var lost = new List<TrialRecord>();
        var silent = new List<TrialRecord>();
        foreach (var trial in RunningTrials())
        {
            if (trial.Device is null || trial.Silo is null || members.GetSiloStatus(SiloAddress.FromParsableString(trial.Silo)) == SiloStatus.Dead)
                lost.Add(trial);
            else if (now - Max(trial.LastHeartbeat ?? trial.StartedAt ?? now, _listeningSince) > Spec.HeartbeatTimeout)
                silent.Add(trial);
        }
        var probes = await Task.WhenAll(silent.Select(ProbeAttempt));
        foreach (var (trial, running) in silent.Zip(probes))
        {
            if (running is null) continue; // unreachable for now: ask again next tick
            if (running.Value)
                S.Trials[trial.Number] = S.Trials[trial.Number] with { LastHeartbeat = now };
            else
                lost.Add(trial);
        }
        return lost;
    }

    /// <summary>Whether the trial's current attempt runs; null when it cannot be asked now.</summary>
    private async Task<bool?> ProbeAttempt(TrialRecord trial)
    {
        try
        {
            RequestContext.Set(LeasedDevicePlacement.SiloKey, trial.Silo!);
            return await GrainFactory.GetGrain<ITrialGrain>(TrialKeys.OfAttempt(Spec.Name, trial.Number, trial.Attempt)).Probe();
        }
        catch (Exception e)
        {
            logger.LogInformation("trial {Trial} is silent and did not answer ({Error}); asking again later", trial.Number, e.Message);
            return null;
        }
        finally
        {
            RequestContext.Remove(LeasedDevicePlacement.SiloKey);
        }
    }

    /// <summary>
    /// Starts the current attempt on the leased device's silo. Where it goes is recorded first: a study that dies
    /// mid-call, or a call whose answer is lost, leaves a record the watchdog checks by asking the trial.
    /// </summary>
    private async Task Dispatch(int index, DeviceLease lease)
    {
        var now = DateTimeOffset.UtcNow;
        var current = S.Trials[index];
        var record = current with
        {
            Device = lease.Device, Silo = lease.Silo, LastHeartbeat = now, StartedAt = current.StartedAt ?? now,
            ResumedFromEpoch = current.Epochs.Count == 0 ? 0 : current.Epochs.Max(e => e.Epoch),
        };
        S.Trials[index] = record;
        await SaveTrial(index);
        await SaveHeader();

        var assignment = new TrialAssignment
        {
            Study = Spec.Name,
            Number = record.Number,
            Attempt = record.Attempt,
            Params = record.Params,
            Runner = RunnerOf(record),
            Seed = TrialSeed(record),
            Lease = lease,
            HeartbeatInterval = siloOptions.Value.HeartbeatInterval,
            Metric = Spec.Metric,
        };
        TrialStartResult result;
        try
        {
            RequestContext.Set(LeasedDevicePlacement.SiloKey, lease.Silo);
            result = await GrainFactory.GetGrain<ITrialGrain>(assignment.AttemptKey).Start(assignment);
        }
        catch (Exception e)
        {
            logger.LogWarning("could not hear whether trial {Trial} attempt {Attempt} started on {Silo} ({Error}); the watchdog checks",
                assignment.TrialKey, assignment.Attempt, lease.Silo, e.Message);
            return;
        }
        finally
        {
            RequestContext.Remove(LeasedDevicePlacement.SiloKey);
        }

        if (result.Status == TrialStartStatus.Started)
        {
            logger.LogInformation("trial {Trial} attempt {Attempt} runs on {Silo} {Device} from epoch {Epoch}",
                assignment.TrialKey, assignment.Attempt, lease.Silo, lease.Device, record.ResumedFromEpoch);
            return;
        }
        await ReleaseLease(record.Number, record.Attempt);
        if (result.Status == TrialStartStatus.Refused)
        {
            S.Trials[index] = Finish(record, TrialStatus.Failed, result.Reason);
        }
        else
        {
            logger.LogInformation("trial {Trial} attempt {Attempt} not started ({Status}: {Reason}); leasing again",
                assignment.TrialKey, assignment.Attempt, result.Status, result.Reason);
            S.Trials[index] = record with { Device = null, Silo = null };
        }
        await SaveTrial(index);
        await SaveHeader();
    }

    private async Task ReleaseLease(int number, int attempt)
    {
        await Registry.Release(TrialKeys.Of(Spec.Name, number), attempt);
        var i = S.Leases.FindIndex(l => l.TrialKey == TrialKeys.Of(Spec.Name, number) && l.Attempt == attempt);
        if (i < 0) return;
        _trials.AddReleasedLease(number, S.Leases[i] with { ReleasedAt = DateTimeOffset.UtcNow }); // stored with the trial
        S.Leases.RemoveAt(i);
    }

    /// <summary>Ends a stopping study once no trial holds a device, and a running one once its budget is spent.</summary>
    private async Task SettleIfIdle()
    {
        var busy = ActiveDeviceTrials();
        if (S.State is StudyState.Stopping && busy == 0)
        {
            S.State = StudyState.Stopped;
        }
        else if (S.State is StudyState.Running && RunningTrials().Count == 0 && (LaunchedTrials() >= Spec.Trials || S.StopReason is not null))
        {
            PauseClock();
            S.State = StudyState.Finished;
            S.StopReason ??= $"trial budget {Spec.Trials} reached";
            S.FinishedAt = DateTimeOffset.UtcNow;
        }
        else
        {
            return;
        }
        _watchdog?.Dispose();
        _watchdog = null;
        await SaveHeader();
    }

    /// <summary>Stores one trial's entry (O(1) in the study's size); callers store it before the header when both changed.</summary>
    private Task SaveTrial(int number) =>
        _trials.Save(number, S.Trials[number], _tuner!.TrialPrunerState(number));

    /// <summary>Stores the header: spec, state, clocks, sampler, leases held and the trial count — never the trials.</summary>
    private Task SaveHeader()
    {
        S.TrialCount = S.Trials.Count;
        return header.WriteStateAsync();
    }

    /// <summary>Keeps in the header the state of a pruner that does not keep it per trial; true when it changed.</summary>
    private bool KeepPrunerState()
    {
        if (_tuner!.PrunerState is not { } saved || saved == S.PrunerState) return false;
        S.PrunerState = saved;
        return true;
    }

    private void EnsureWatchdog()
    {
        if (_watchdog is not null) return;
        var period = TimeSpan.FromTicks(Math.Min(WatchdogPeriodMax.Ticks, Spec.HeartbeatTimeout.Ticks / 3));
        _watchdog = this.RegisterGrainTimer(_ => TickLogged(), new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    private TrialRecord NewTrial(bool external)
    {
        var parameters = _tuner!.NextParams(S.Trials, S.WarmStartTrials);
        S.SamplerState = _tuner.SamplerState;
        return new TrialRecord
        {
            Number = S.Trials.Count,
            Params = parameters,
            External = external,
            CreatedAt = DateTimeOffset.UtcNow,
            StartedAt = external ? DateTimeOffset.UtcNow : null,
        };
    }

    private TrialRecord PlannedRecord(PlannedTrialSpec planned) => new()
    {
        Number = S.Trials.Count,
        PlanKey = planned.Key,
        Params = planned.Params,
        Seed = planned.Seed,
        EpochBudget = planned.Epochs,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>The runner of a trial: its epochs, and for a planned trial its model and the teacher it distills from.</summary>
    private TrialRunnerSpec RunnerOf(TrialRecord trial)
    {
        var runner = Spec.Runner with { Epochs = Spec.EpochsOf(trial) };
        if (Spec.PlannedOf(trial) is not { } planned) return runner;
        runner = runner with { Model = planned.Model ?? runner.Model };
        if (planned.Teacher is { } key && S.Trials.FirstOrDefault(t => t.PlanKey == key) is { } teacher)
        {
            var folder = SharedTrials.IsReused(teacher)
                ? PlannedTrialSpec.SharedFolder(key)
                : Path.GetRelativePath(Path.GetFullPath(siloOptions.Value.CheckpointRoot), Trials.CheckpointPaths.For(siloOptions.Value.CheckpointRoot, Spec.Name, teacher.Number));
            runner = runner with { Teacher = null, TeacherCheckpoint = Path.Combine(folder, TrialFolder.BestWeights), TeacherModel = planned.TeacherModel };
        }
        return runner;
    }

    private static TrialRecord Finish(TrialRecord record, TrialStatus status, string? reason) =>
        record with { Status = status, Reason = reason, FinishedAt = DateTimeOffset.UtcNow };

    private double? BestValue(IReadOnlyList<EpochMetrics> epochs)
    {
        var values = epochs.Select(e => e.Metric(Spec.Metric)).Where(double.IsFinite).ToList();
        if (values.Count == 0) return null;
        return Spec.Direction == OptimizationDirection.Maximize ? values.Max() : values.Min();
    }

    private int TrialSeed(TrialRecord trial) => trial.Seed ?? unchecked(Spec.Seed * 1_000_003 + trial.Number);
    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    private int? IndexOf(int number) => number >= 0 && number < S.Trials.Count ? number : null;
    private List<TrialRecord> RunningTrials() => S.Trials.Where(t => !t.IsFinished && !t.External).ToList();
    private int ActiveDeviceTrials() => S.Trials.Count(t => !t.IsFinished && !t.External && t.Device is not null);
    private int LaunchedTrials() => S.Trials.Count;

    private TimeSpan RunTime() => S.RunTimeBefore + (S.RunningSince is { } since ? DateTimeOffset.UtcNow - since : TimeSpan.Zero);

    private void PauseClock()
    {
        S.RunTimeBefore = RunTime();
        S.RunningSince = null;
    }

    private StudySnapshot Snapshot() => new()
    {
        Spec = Spec,
        State = S.State,
        StopReason = S.StopReason,
        CreatedAt = S.CreatedAt,
        StartedAt = S.StartedAt,
        FinishedAt = S.FinishedAt,
        Trials = S.Trials.ToList(),
        Leases = _trials.ReleasedLeases.Concat(S.Leases).OrderBy(l => l.AcquiredAt).ToList(),
    };
}
