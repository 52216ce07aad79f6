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
/// One trial ("study/number") on the silo owning its leased device. Start launches the runner on a dedicated
/// thread and returns; that thread reports epochs and the outcome to the study grain and blocks only itself.
/// A heartbeat timer keeps the activation alive and tells the study the attempt is still running.
/// </summary>
[LeasedDevicePlacement]
public sealed class TrialGrain(
    IOptions<TuningSiloOptions> options,
    ILocalSiloDetails silo,
    TrialRunners runners,
    ILogger<TrialGrain> logger) : Grain, ITrialGrain
{
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(30);

    private Thread? _thread;
    private CancellationTokenSource? _cancel;
    private IGrainTimer? _heartbeat;
    private TrialAssignment? _current;
    private volatile bool _stopRequested;

    private string SiloName => silo.SiloAddress.ToParsableString();
    private bool IsRunning => _thread is { IsAlive: true };

    public Task<TrialStartResult> Start(TrialAssignment assignment)
    {
        if (IsRunning)
            return Task.FromResult(new TrialStartResult { Started = false, RunningAttempt = _current!.Attempt, Silo = SiloName });
        if (assignment.Lease.Silo != SiloName)
        {
            // Placed before this silo's membership view knew the leased silo (it just joined): let the activation go
            // so the study's next attempt is placed afresh. The exception makes the study release the lease and retry.
            DeactivateOnIdle();
            throw new InvalidOperationException($"the lease names silo {assignment.Lease.Silo} but the trial was activated on {SiloName}; the study retries");
        }
        if (assignment.Runner.Kind == Abstractions.Studies.RunnerKind.Command && !options.Value.AllowExternalCommands)
            return Refuse($"silo {SiloName} does not run external commands: set AllowExternalCommands=true in that silo's configuration");
        string checkpoints;
        try
        {
            checkpoints = CheckpointPaths.For(options.Value.CheckpointRoot, assignment.Study, assignment.Number);
            Directory.CreateDirectory(checkpoints);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return Refuse(e.Message);
        }

        _heartbeat?.Dispose();
        _cancel?.Dispose();
        _current = assignment;
        _stopRequested = false;
        _cancel = new CancellationTokenSource();
        var study = GrainFactory.GetGrain<IStudyGrain>(assignment.Study);
        var context = new RunnerContext(assignment, checkpoints, options.Value.DataRoot, options.Value.ConfineDataPaths);
        var token = _cancel.Token;
        _thread = new Thread(() => RunAttempt(study, context, token))
        {
            IsBackground = true,
            Name = $"trial {assignment.TrialKey}#{assignment.Attempt}",
        };
        _thread.Start();
        _heartbeat = this.RegisterGrainTimer(
            OnHeartbeat, new GrainTimerCreationOptions(assignment.HeartbeatInterval, assignment.HeartbeatInterval) { KeepAlive = true });
        return Task.FromResult(new TrialStartResult { Started = true, RunningAttempt = assignment.Attempt, Silo = SiloName });
    }

    public Task Stop(string reason)
    {
        _stopRequested = true;
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

    private Task<TrialStartResult> Refuse(string reason) =>
        Task.FromResult(new TrialStartResult { Started = false, Refusal = reason, Silo = SiloName });

    /// <summary>Runs on the dedicated thread: no grain state is touched here except the volatile stop flag.</summary>
    private void RunAttempt(IStudyGrain study, RunnerContext context, CancellationToken cancellationToken)
    {
        var a = context.Assignment;
        var clock = Stopwatch.StartNew();
        RunnerResult result;
        try
        {
            var runner = runners.For(a.Runner.Kind);
            result = runner.Run(context, metrics => OnEpoch(study, a, metrics), cancellationToken);
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
        };
        Retry(() => study.ReportOutcome(a.Number, a.Attempt, outcome), $"report the outcome of {a.TrialKey}");
    }

    private EpochVerdict OnEpoch(IStudyGrain study, TrialAssignment a, EpochMetrics metrics)
    {
        if (_stopRequested) return EpochVerdict.Stop;
        var verdict = EpochVerdict.Continue;
        Retry(() => study.ReportEpoch(a.Number, a.Attempt, metrics).ContinueWith(t => verdict = t.Result, TaskScheduler.Default),
            $"report epoch {metrics.Epoch} of {a.TrialKey}");
        return _stopRequested ? EpochVerdict.Stop : verdict;
    }

    /// <summary>Calls the study a few times; a study that stays unreachable hears of the trial through the watchdog.</summary>
    private void Retry(Func<Task> call, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                call().GetAwaiter().GetResult();
                return;
            }
            catch (Exception e) when (attempt < 5)
            {
                logger.LogWarning(e, "could not {What} (try {Attempt}); retrying", what, attempt);
                Thread.Sleep(TimeSpan.FromSeconds(attempt));
            }
            catch (Exception e)
            {
                logger.LogError(e, "gave up trying to {What}", what);
                return;
            }
        }
    }
}
