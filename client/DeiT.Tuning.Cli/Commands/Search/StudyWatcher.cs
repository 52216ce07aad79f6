using System.Globalization;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Cli.Cluster;

namespace DeiT.Tuning.Cli.Commands.Search;

/// <summary>Follows a running study, printing each new epoch and each finished trial on stderr, until it settles.</summary>
public static class StudyWatcher
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public static async Task<StudySnapshot> FollowAsync(IStudyGrain study, CancellationToken cancellationToken)
    {
        var seenEpochs = new Dictionary<int, int>();
        var seenState = new Dictionary<int, TrialStatus>();
        while (true)
        {
            var snapshot = await study.GetSnapshot() ?? throw new InvalidOperationException("the study disappeared");
            foreach (var trial in snapshot.Trials.Where(t => !t.External))
            {
                var shown = seenEpochs.GetValueOrDefault(trial.Number);
                foreach (var e in trial.Epochs.Where(e => e.Epoch > shown))
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"trial {trial.Number} epoch {e.Epoch}/{trial.EpochBudget ?? snapshot.Spec.Runner.Epochs}: {snapshot.Spec.Metric} {e.Metric(snapshot.Spec.Metric):G4}, loss {e.Loss:G4}, {e.ImagesPerSecond:F0} img/s on {trial.Device}"));
                seenEpochs[trial.Number] = trial.Epochs.Count == 0 ? 0 : trial.Epochs.Max(e => e.Epoch);
                if (trial.IsFinished && seenState.GetValueOrDefault(trial.Number) != trial.Status)
                    Console.Error.WriteLine($"trial {trial.Number} {StudyViews.State(trial)}: {snapshot.Spec.Metric} {StudyViews.Format(trial.Value)}" +
                                            (trial.Reason is { } r ? $" ({r})" : "") + $" [{StudyViews.Params(trial)}]");
                seenState[trial.Number] = trial.Status;
            }
            if (snapshot.State is StudyState.Finished or StudyState.Stopped) return snapshot;
            await Task.Delay(Poll, cancellationToken);
        }
    }
}
