using System.CommandLine;
using System.Globalization;
using System.Text;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Cli.Cluster;
using DeiT.Tuning.Cli.Commands.Export.TensorBoard;
using DeiT.Tuning.Cli.Infrastructure;

namespace DeiT.Tuning.Cli.Commands.Export;

/// <summary>`deit-tune export`: a study's trials as CSV (one row per trial, a column per parameter), JSON, or a
/// TensorBoard log folder (<see cref="TensorBoardExport"/>).</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "Write a study's trials as CSV, JSON, or a TensorBoard log folder (scalars per epoch, HParams)");
        var study = StudyAccess.StudyOption();
        var format = new Option<string>("--format") { Description = "csv, json, or tensorboard (--out names a folder: `tensorboard --logdir` it)", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json", "tensorboard");
        var output = new Option<FileInfo?>("--out") { Description = "File to write (default: stdout); the folder for --format tensorboard" };
        command.Options.Add(study);
        command.Options.Add(format);
        command.Options.Add(output);
        command.SetAction(async (result, cancellationToken) =>
        {
            var tensorboard = result.GetValue(format) == "tensorboard";
            if (tensorboard && result.GetValue(output) is null)
                throw new CliException("--format tensorboard: give --out FOLDER for the event files");
            await using var connection = await StudyAccess.OpenForReading(result, cancellationToken);
            var snapshot = await StudyAccess.RequireSnapshot(connection, result.GetValue(study)!);
            if (tensorboard)
                return WriteTensorBoard(snapshot, result.GetValue(output)!.FullName, result.GetValue(GlobalOptions.Json));
            var text = result.GetValue(format) == "json"
                ? System.Text.Json.JsonSerializer.Serialize(new { study = snapshot.Spec.Name, metric = snapshot.Spec.Metric, trials = snapshot.Trials.Select(StudyViews.TrialJson) }, JsonOutput.Options)
                : Csv(snapshot);
            if (result.GetValue(output) is { } file)
            {
                Directory.CreateDirectory(file.DirectoryName!);
                await File.WriteAllTextAsync(file.FullName, text, cancellationToken);
                Console.Error.WriteLine($"wrote {snapshot.Trials.Count} trials to {file.FullName}");
            }
            else
            {
                Console.Out.Write(text);
            }
            return 0;
        });
        return command;
    }

    private static int WriteTensorBoard(StudySnapshot snapshot, string folder, bool json)
    {
        if (File.Exists(folder)) throw new CliException($"--out {folder}: a file is there; --format tensorboard writes a folder");
        var runs = TensorBoardExport.Write(snapshot, folder);
        if (json) JsonOutput.Write(new { study = snapshot.Spec.Name, format = "tensorboard", folder, runs });
        else Console.Error.WriteLine($"wrote {runs} trial runs and the HParams experiment to {folder} (view: tensorboard --logdir {folder})");
        return 0;
    }

    public static string Csv(StudySnapshot snapshot)
    {
        var names = snapshot.Trials.SelectMany(t => t.Params.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(",", new[] { "number", "state", "value", "epochs", "device", "attempts", "device_seconds" }.Concat(names.Select(n => "param_" + n)).Append("reason")));
        foreach (var t in snapshot.Trials)
        {
            var cells = new List<string>
            {
                t.Number.ToString(CultureInfo.InvariantCulture), StudyViews.State(t),
                t.Value?.ToString("R", CultureInfo.InvariantCulture) ?? "", t.Epochs.Count.ToString(CultureInfo.InvariantCulture),
                t.Device ?? "", t.Attempt.ToString(CultureInfo.InvariantCulture), t.DeviceSeconds.ToString("F1", CultureInfo.InvariantCulture),
            };
            cells.AddRange(names.Select(n => t.Params.TryGetValue(n, out var p) ? p.Choice ?? p.Number.ToString("R", CultureInfo.InvariantCulture) : ""));
            cells.Add(t.Reason ?? "");
            csv.AppendLine(string.Join(",", cells.Select(Quote)));
        }
        return csv.ToString();
    }

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
