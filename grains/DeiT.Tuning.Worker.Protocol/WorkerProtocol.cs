using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeiT.Tuning.Worker.Protocol;

/// <summary>Encoding of <see cref="WorkerMessage"/> lines. A line that is not a message (a native library printing) is skipped.</summary>
public static class WorkerProtocol
{
    /// <summary>Bumped on any change a worker of the previous version would misread; the worker refuses a start of another version.</summary>
    public const int Version = 1;

    /// <summary>`deit-tune-worker --check-devices cuda:0,cuda:1` checks devices instead of training (one <see cref="DeviceCheckMessage"/> a device).</summary>
    public const string CheckDevicesArgument = "--check-devices";

    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Write(WorkerMessage message) => JsonSerializer.Serialize(message, Json);

    public static WorkerMessage? Read(string line)
    {
        if (!line.StartsWith('{')) return null;
        try
        {
            return JsonSerializer.Deserialize<WorkerMessage>(line, Json);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }
}
