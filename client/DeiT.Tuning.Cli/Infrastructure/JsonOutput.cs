using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeiT.Tuning.Cli.Infrastructure;

/// <summary>Writes the one JSON document a `--json` command prints on stdout.</summary>
public static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Write<T>(T document) => Console.Out.WriteLine(JsonSerializer.Serialize(document, Options));
}
