using System.Text.Json;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Trials;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Models;

namespace DeiT.Tuning.Grains.Studies;

/// <summary>
/// Shared planned trials (teachers) under CheckpointRoot/teachers/KEY: the best weights, their model card and test
/// predictions, and trial.json, written last, saying which study trained them and what they scored. A study that plans
/// a shared key finds it here and records it as completed instead of training it again.
/// </summary>
public static class SharedTrials
{
    public const string RecordFile = "trial.json";

    /// <summary>Metrics a runner did not measure are NaN.</summary>
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public sealed record Entry(string Study, int Number, double? Value, double? TestTop1, IReadOnlyList<EpochMetrics> Epochs, double DeviceSeconds);

    public static Entry? Find(string checkpointRoot, string key)
    {
        var path = Path.Combine(CheckpointPaths.Inside(checkpointRoot, PlannedTrialSpec.SharedFolder(key)), RecordFile);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<Entry>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            return null; // a damaged record: train it again (publishing overwrites it)
        }
    }

    /// <summary>Copies a completed trial's files to the shared folder, then writes its record.</summary>
    public static void Publish(string checkpointRoot, string key, string study, TrialRecord trial)
    {
        var source = CheckpointPaths.For(checkpointRoot, study, trial.Number);
        var folder = CheckpointPaths.Inside(checkpointRoot, PlannedTrialSpec.SharedFolder(key));
        Directory.CreateDirectory(folder);
        var weights = Path.Combine(source, TrialFolder.BestWeights);
        foreach (var file in new[] { weights, ModelCard.PathFor(weights), Path.Combine(source, TestPredictions.FileName) })
            if (File.Exists(file)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        var entry = new Entry(study, trial.Number, trial.Value, trial.TestTop1, trial.Epochs, trial.DeviceSeconds);
        var temporary = Path.Combine(folder, RecordFile + ".tmp");
        File.WriteAllText(temporary, JsonSerializer.Serialize(entry, Json));
        File.Move(temporary, Path.Combine(folder, RecordFile), overwrite: true);
    }

    /// <summary>The record of a planned trial found already trained.</summary>
    public static TrialRecord Reused(TrialRecord planned, Entry entry, string key) => planned with
    {
        Status = TrialStatus.Completed,
        Value = entry.Value,
        TestTop1 = entry.TestTop1,
        Epochs = entry.Epochs,
        Reason = $"reused {PlannedTrialSpec.SharedFolder(key)}, trained by study {entry.Study} (trial {entry.Number})",
        StartedAt = planned.CreatedAt,
        FinishedAt = planned.CreatedAt,
    };

    public static bool IsReused(TrialRecord trial) => trial.Reason?.StartsWith("reused ", StringComparison.Ordinal) == true;
}
