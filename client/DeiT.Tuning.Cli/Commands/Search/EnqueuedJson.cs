using System.Text.Json;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Search;

namespace DeiT.Tuning.Cli.Commands.Search;

/// <summary>An --enqueue value: a JSON object of parameter names to numbers (float, int) or strings (choices).</summary>
public static class EnqueuedJson
{
    public static Dictionary<string, ParamValue> Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CliException($"--enqueue {json}: not JSON ({e.Message}); write an object such as '{{\"lr\": 5e-4, \"distillation\": \"hard\"}}'");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CliException($"--enqueue {json}: write a JSON object of parameter names and values, e.g. '{{\"lr\": 5e-4}}'");
            var values = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Number => ParamValue.Of(property.Value.GetDouble()),
                    JsonValueKind.String => ParamValue.Of(property.Value.GetString()!),
                    _ => throw new CliException($"--enqueue {json}: '{property.Name}' must be a number or a string (a choice)"),
                };
            return values;
        }
    }
}
