using System.Text.Json;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Training.Models;

/// <summary>
/// What a weights file is: its preset, the data and recipe it was trained with, and where it came from. Kept beside the
/// weights as NAME.json, so `eval` and fine-tuning know the model without being told.
/// </summary>
public sealed record ModelCard
{
    public required string Model { get; init; }
    public required DatasetSpec Data { get; init; }
    public required DeitRecipe Recipe { get; init; }
    public int Seed { get; init; }
    /// <summary>Which run and epoch the weights are from, e.g. "study s1, trial 3, epoch 4 (best validation top1)".</summary>
    public string? Source { get; init; }
    /// <summary>Figures measured on these weights, e.g. val_top1, test_top1.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public static ModelCard For(TrainingJob job, string? source = null, IReadOnlyDictionary<string, double>? metrics = null) => new()
    {
        Model = job.Model, Data = job.Data, Recipe = job.Recipe, Seed = job.Seed, Source = source,
        Metrics = metrics ?? new Dictionary<string, double>(),
    };

    public static string PathFor(string weights) => Path.ChangeExtension(weights, ".json");

    public void SaveBeside(string weights) =>
        File.WriteAllText(PathFor(weights), JsonSerializer.Serialize(this, new JsonSerializerOptions(JobFingerprint.Json) { WriteIndented = true }));

    /// <summary>The card beside <paramref name="weights"/>, or null when there is none.</summary>
    public static ModelCard? ReadBeside(string weights)
    {
        var path = PathFor(weights);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(path), JobFingerprint.Json)
                ?? throw new InvalidDataException($"'{path}' is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a model card ({e.Message}); delete it or give --model", e);
        }
    }
}
