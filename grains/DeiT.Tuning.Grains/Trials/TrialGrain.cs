using System.Diagnostics;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Hosting;
using DeiT.Tuning.Grains.Placement;
using DeiT.Tuning.Grains.Trials.Runners;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeiT.Tuning.Grains.Trials;

/// <summary>
/// One attempt of a trial ("study/number/attempt") on the silo owning its leased device. Start launches the runner on
/// a dedicated thread and returns; the runner starts the attempt's worker process (or an external command) and that
/// thread journals and reports epochs, then the outcome, to the study grain and blocks only itself. A heartbeat timer keeps the activation alive and tells the study the attempt still runs.
/// </summary>
[LeasedDevicePlacement]
public sealed class TrialGrain(
    IOptions<TuningSiloOptions> options,
    ILocalSiloDetails silo,
    TrialRunners runners,
    ILogger<TrialGrain> logger) : Grain, ITrialGrain
{
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeliveryPatience = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxDeliveryPause = TimeSpan.FromSeconds(5);

    private Thread? _thread;
    private CancellationTokenSource? _cancel;
    private readonly CancellationTokenSource _stop = new();
    private IGrainTimer? _heartbeat;
    private TrialAssignment? _current;
    private volatile bool _stopRequested;
    private bool _givenUp;

    private string SiloName => silo.SiloAddress.ToParsableString();
    private bool IsRunning => _thread is { IsAlive: true };

    public Task<TrialStartResult> Start(TrialAssignment assignment)
    {
        if (_current is not null) return Result(TrialStartStatus.Started);
        if (_givenUp) return Result(TrialStartStatus.Misplaced, "the study gave this attempt up before its start arrived");
        if (assignment.Lease.Silo != SiloName)
        {
            // Placed before this silo's membership view knew the leased silo (it just joined): the study's next attempt
            // is another grain, placed afresh; this one goes.
            DeactivateOnIdle();
            return Result(TrialStartStatus.Misplaced, $"the lease names silo {assignment.Lease.Silo} but the trial was activated on {SiloName}");
        }
        if (assignment.Runner.Kind == Abstractions.Studies.RunnerKind.Command && !options.Value.AllowExternalCommands)
            return Result(TrialStartStatus.Refused, $"silo {SiloName} does not run external commands: set AllowExternalCommands=true in that silo's configuration");
        string checkpoints;
        try
        {
            checkpoints = CheckpointPaths.For(options.Value.CheckpointRoot, assignment.Study, assignment.Number);
            Directory.CreateDirectory(checkpoints);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return Result(TrialStartStatus.Refused, e.Message);
        }

        _current = assignment;
        _stopRequested = false;
        _cancel = new CancellationTokenSource();
        var study = GrainFactory.GetGrain<IStudyGrain>(assignment.Study);
        var context = new RunnerContext(assignment, checkpoints, options.Value.DataRoot, options.Value.ConfineDataPaths)
        {
            Journal = new EpochJournal(checkpoints),
            CheckpointRoot = options.Value.CheckpointRoot,
            Stop = _stop.Token,
            WallClockLimit = assignment.Runner.TrialTimeout,
            MemoryLimit = new[] { assignment.Runner.MaxTrialMemory, options.Value.MaxTrialMemory }.Where(l => l is not null).Min(),
            Fault = options.Value.WorkerFaults.GetValueOrDefault(assignment.TrialKey),
        };
        var token = _cancel.Token;
        _thread = new Thread(() => RunAttempt(study, context, token))
        {
            IsBackground = true,
            Name = $"trial {assignment.TrialKey}#{assignment.Attempt}",
        };
        _thread.Start();
        _heartbeat = this.RegisterGrainTimer(
            OnHeartbeat, new GrainTimerCreationOptions(assignment.HeartbeatInterval, assignment.HeartbeatInterval) { KeepAlive = true });
        return Result(TrialStartStatus.Started);
    }

    public Task<bool> Probe()
    {
        // Asked before any Start: the study counts this attempt as never started, so a Start arriving late must not run it.
        if (_current is null) _givenUp = true;
        return Task.FromResult(IsRunning);
    }

    public Task Stop(string reason)
    {
        _stopRequested = true;
        _stop.Cancel();
        logger.LogInformation("trial {Trial} asked to stop: {Reason}", this.GetPrimaryKeyString(), reason);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _heartbeat?.Dispose();
        if (IsRunning)
        {
            logger.LogWarning("trial {Trial} deactivating mid-run ({Reason}); it resumes from its checkpoint elsewhere",
                this.GetPrimaryKeyString(), reason.Description);
            _cancel!.Cancel();
            var thread = _thread!;
            await Task.Run(() => thread.Join(ShutdownWait), CancellationToken.None);
        }
        _cancel?.Dispose();
        _stop.Dispose();
    }

    private async Task OnHeartbeat(CancellationToken cancellationToken)
    {
        if (_current is null) return;
        if (!IsRunning)
        {
            _heartbeat?.Dispose();
            _heartbeat = null;
            DeactivateOnIdle();
            return;
        }
        await GrainFactory.GetGrain<IStudyGrain>(_current.Study).Heartbeat(_current.Number, _current.Attempt);
    }

    private Task<TrialStartResult> Result(TrialStartStatus status, string? reason = null) =>
        Task.FromResult(new TrialStartResult { Status = status, Reason = reason });

    /// <summary>Runs on the dedicated thread: no grain state is touched here except the volatile stop flag.</summary>
    private void RunAttempt(IStudyGrain study, RunnerContext context, CancellationToken cancellationToken)
    {
        var a = context.Assignment;
        var clock = Stopwatch.StartNew();
        var journal = context.Journal!;
        RunnerResult result;
        try
        {
            if (journal.Read() is { Count: > 0 } journaled)
                Deliver(() => study.RecoverEpochs(a.Number, a.Attempt, journaled), $"recover the journaled epochs of {a.TrialKey}", cancellationToken);
            var runner = runners.For(a.Runner.Kind);
            result = runner.Run(context, metrics => OnEpoch(study, a, journal, metrics, cancellationToken), cancellationToken);
        }
        catch (Exception e)
        {
            logger.LogError(e, "trial {Trial} attempt {Attempt} crashed", a.TrialKey, a.Attempt);
            result = new RunnerResult(RunnerEnd.Failed, $"{e.GetType().Name}: {e.Message}");
        }
        var outcome = new TrialOutcome
        {
            Status = result.End switch
            {
                RunnerEnd.Completed => TrialStatus.Completed,
                RunnerEnd.Stopped => TrialStatus.Pruned,
                _ => TrialStatus.Failed,
            },
            Reason = result.Reason,
            DeviceSeconds = clock.Elapsed.TotalSeconds,
            Interrupted = result.End == RunnerEnd.Cancelled,
            TestTop1 = result.TestTop1,
        };
        Deliver(() => study.ReportOutcome(a.Number, a.Attempt, outcome), $"report the outcome of {a.TrialKey}", CancellationToken.None);
    }

    private EpochVerdict OnEpoch(IStudyGrain study, TrialAssignment a, EpochJournal journal, EpochMetrics metrics, CancellationToken cancellationToken)
    {
        journal.Append(metrics);
        if (_stopRequested) return EpochVerdict.Stop;
        var verdict = EpochVerdict.Continue;
        Deliver(async () => verdict = await study.ReportEpoch(a.Number, a.Attempt, metrics),
            $"report epoch {metrics.Epoch} of {a.TrialKey}", cancellationToken);
        return _stopRequested ? EpochVerdict.Stop : verdict;
    }

    /// <summary>
    /// Calls the study until it answers. After its silo dies the study cannot be reached until the grain directory lets
    /// it reactivate elsewhere (tens of seconds); the journal holds the report if the attempt is abandoned meanwhile.
    /// </summary>
    private void Deliver(Func<Task> call, string what, CancellationToken abandon)
    {
        var deadline = DateTime.UtcNow + DeliveryPatience;
        var pause = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                call().GetAwaiter().GetResult();
                if (attempt > 1) logger.LogInformation("could {What} after {Attempts} tries", what, attempt);
                return;
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && !abandon.IsCancellationRequested)
            {
                if (attempt == 1) logger.LogWarning("could not {What} ({Error}); retrying", what, e.Message);
                Thread.Sleep(pause);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxDeliveryPause.Ticks));
            }
            catch (Exception e)
            {
                logger.LogError(e, "gave up trying to {What}", what);
                return;
            }
        }
    }
}
