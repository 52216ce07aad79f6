using System.Text.Json;

namespace DeiT.Tuning.Dashboard;

/// <summary>One JSON style for the API and the event stream: snake_case names, NaN metrics as null.</summary>
public static class DashboardJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
