using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace DeiT.Tuning.Training.Engine;

/// <summary>
/// Identifies a training job by everything that determines its training (model, data, recipe, seed, teacher), so a
/// checkpoint is only ever resumed by the job that wrote it. Whether the test split is also evaluated each epoch
/// changes no weight, so it is left out.
/// </summary>
public sealed record JobFingerprint(string Hash, string CanonicalJson)
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static JobFingerprint Of(TrainingJob job)
    {
        var json = JsonSerializer.Serialize(job with { EvaluateTestEachEpoch = false }, Json);
        return new JobFingerprint(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json))), json);
    }

    /// <summary>The settings (JSON paths such as recipe.base_lr) whose values differ between two jobs.</summary>
    public IReadOnlyList<string> DifferencesFrom(JobFingerprint other)
    {
        var differences = new List<string>();
        Compare(JsonNode.Parse(CanonicalJson), JsonNode.Parse(other.CanonicalJson), "", differences);
        return differences;
    }

    private static void Compare(JsonNode? a, JsonNode? b, string path, List<string> differences)
    {
        if (a is JsonObject objectA && b is JsonObject objectB)
        {
            foreach (var key in objectA.Select(p => p.Key).Union(objectB.Select(p => p.Key)))
                Compare(objectA[key], objectB[key], path.Length == 0 ? key : $"{path}.{key}", differences);
        }
        else if (!JsonNode.DeepEquals(a, b))
        {
            differences.Add($"{path} ({a?.ToJsonString() ?? "null"} vs {b?.ToJsonString() ?? "null"})");
        }
    }
}
