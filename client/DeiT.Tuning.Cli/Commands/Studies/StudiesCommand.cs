using System.CommandLine;
using System.Globalization;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Infrastructure;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Commands.Studies;

/// <summary>`deit-tune studies`: every study of the cluster (or the folder) with its state, trials and best value.</summary>
public static class StudiesCommand
{
    public static Command Create()
    {
        var command = new Command("studies", "List the studies: state, trials done of the budget, best value");
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var names = await connection.Client.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).List();
            var snapshots = new List<StudySnapshot>();
            foreach (var name in names)
                if (await connection.Client.GetGrain<IStudyGrain>(name).GetSnapshot() is { } snapshot) snapshots.Add(snapshot);
            if (result.GetValue(GlobalOptions.Json))
            {
                JsonOutput.Write(new { studies = snapshots.Select(Json) });
                return 0;
            }
            if (snapshots.Count == 0)
            {
                Console.Out.WriteLine($"no studies in {connection.Where}; start one with `deit-tune search start --study NAME ...`");
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in new[] { "study", "state", "trials", "metric", "best", "best trial", "sampler", "created" })
                table.AddColumn(column);
            foreach (var s in snapshots)
            {
                var best = StudyViews.Best(s);
                table.AddRow(new[]
                {
                    s.Spec.Name, s.State.ToString().ToLowerInvariant(), $"{Finished(s)}/{s.Spec.Trials}", s.Spec.Metric,
                    StudyViews.Format(best?.Value), best?.Number.ToString(CultureInfo.InvariantCulture) ?? "-", s.Spec.Sampler,
                    s.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                }.Select(Markup.Escape).ToArray());
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static int Finished(StudySnapshot s) =>
        s.Trials.Count(t => t.IsFinished);

    private static object Json(StudySnapshot s)
    {
        var best = StudyViews.Best(s);
        return new
        {
            study = s.Spec.Name,
            state = s.State.ToString().ToLowerInvariant(),
            metric = s.Spec.Metric,
            direction = s.Spec.Direction.ToString().ToLowerInvariant(),
            trial_budget = s.Spec.Trials,
            trials = StudyViews.Counts(s),
            best_value = best?.Value,
            best_trial = best?.Number,
            sampler = s.Spec.Sampler,
            pruner = s.Spec.Pruner,
            created_at = s.CreatedAt,
            finished_at = s.FinishedAt,
        };
    }
}
