using System.Text;
using System.Text.Json;

namespace DeiT.Tuning.Search.Distributions;

/// <summary>Writes a space as JSON in the mapping shape <see cref="SearchSpaceReader"/> reads.</summary>
internal static class SearchSpaceWriter
{
    public static string ToJson(SearchSpace space)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("parameters");
            foreach (var p in space.Parameters)
            {
                w.WriteStartObject(p.Name);
                w.WriteString("type", p.TypeName);
                switch (p)
                {
                    case NumericDistribution n:
                        w.WriteNumber("low", n.Low);
                        w.WriteNumber("high", n.High);
                        if (n.Log) w.WriteBoolean("log", true);
                        if (n.Step is { } step) w.WriteNumber("step", step);
                        if (n.Default is { } d) w.WriteNumber("default", d.Number);
                        break;
                    case CategoricalDistribution c:
                        w.WriteStartArray("choices");
                        foreach (var choice in c.Choices) w.WriteStringValue(choice);
                        w.WriteEndArray();
                        if (c.Default is { Choice: { } dc }) w.WriteString("default", dc);
                        break;
                }
                if (p.When is { } when)
                {
                    w.WriteStartObject("when");
                    w.WriteStartArray(when.Parameter);
                    foreach (var v in when.Values) w.WriteStringValue(v);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
