using System.Globalization;
using DeiT.Tuning.Abstractions.Devices;

namespace DeiT.Tuning.Grains.Devices;

/// <summary>
/// Parses the Devices setting: "cpu:2x1" (2 CPU slots of 1 thread each), "cpu" (one slot, 1 thread),
/// "cuda:0,cuda:1" (one slot per GPU); parts can be mixed with commas. "none": a silo that trains nothing.
/// </summary>
public static class DeviceList
{
    public static IReadOnlyList<DeviceSlot> Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new FormatException($"the device list is empty: use e.g. \"cpu:2x1\" (2 CPU slots, 1 thread each) or \"cuda:0,cuda:1\"");
        if (text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)) return [];
        var slots = new List<DeviceSlot>();
        var cpuIndex = 0;
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var part = raw.ToLowerInvariant();
            if (part == "cpu")
            {
                slots.Add(new DeviceSlot($"cpu:{cpuIndex++}", 1));
            }
            else if (part.StartsWith("cpu:", StringComparison.Ordinal))
            {
                var shape = part[4..].Split('x');
                if (shape.Length != 2 || !TryPositive(shape[0], out var count) || !TryPositive(shape[1], out var threads))
                    throw new FormatException($"'{raw}' is not a CPU spec; write cpu:SLOTSxTHREADS such as cpu:2x1");
                for (var i = 0; i < count; i++) slots.Add(new DeviceSlot($"cpu:{cpuIndex++}", threads));
            }
            else if (part.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(part[5..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                slots.Add(new DeviceSlot(part, 0));
            }
            else
            {
                throw new FormatException($"unknown device '{raw}'; use cpu:SLOTSxTHREADS or cuda:N");
            }
        }
        if (slots.Select(s => s.Device).Distinct().Count() != slots.Count)
            throw new FormatException($"'{text}' names a device twice");
        return slots;
    }

    /// <summary>The torch device a slot trains on ("cpu:3" is a CPU slot → "cpu").</summary>
    public static string TorchDevice(string slot) => slot.StartsWith("cpu", StringComparison.Ordinal) ? "cpu" : slot;

    private static bool TryPositive(string s, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
}
