using System.Text.Json;

namespace DeiT.Tuning.Search.Benchmarks;

/// <summary>
/// One line of optuna_suite.py's output: a peer sampler's median simple regret on a function after a budget, with
/// <paramref name="Workers"/> asynchronous workers (optuna_suite_parallel.py; 1 where the line has no "workers").
/// </summary>
public sealed record PeerFigure(string Function, string Sampler, int Trials, double MedianRegret, int Workers = 1);

public static class PeerFigures
{
    /// <summary>Reads optuna_suite.py's JSON lines; a malformed line is an error naming the file, line and field.</summary>
    public static IReadOnlyList<PeerFigure> Parse(string path, IEnumerable<string> lines)
    {
        var figures = new List<PeerFigure>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                figures.Add(new PeerFigure(
                    Field(root, "function").GetString()!,
                    Field(root, "sampler").GetString()!,
                    Field(root, "trials").GetInt32(),
                    Field(root, "median_regret").GetDouble(),
                    root.TryGetProperty("workers", out var workers) ? Positive(workers.GetInt32(), "workers") : 1));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
            {
                throw new FormatException($"{path}:{number}: {e.Message}; each line must be a JSON object with function, sampler, trials and median_regret as optuna_suite.py prints them", e);
            }
        }
        return figures;
    }

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new FormatException($"field '{name}' is {value}; it must be a positive whole number");

    private static JsonElement Field(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) ? v : throw new KeyNotFoundException($"field '{name}' is missing");
}
