namespace DeiT.Tuning.Search;

/// <summary>
/// A sampler or pruner spec: a name, then optionally a colon and comma-separated key=value settings
/// (<c>asha:min_resource=1,reduction_factor=3</c>, <c>tpe:n_startup_trials=20</c>). Keys are read in lower case with
/// '-' as '_'; each setting keeps the key as written for messages.
/// </summary>
public sealed record AlgorithmSpec(string Name, IReadOnlyList<AlgorithmSpec.Setting> Settings)
{
    public sealed record Setting(string Key, string Value, string Written);

    /// <param name="kind">"sampler" or "pruner", for the message on an item that is not key=value.</param>
    /// <param name="hint">Appended to that message (e.g. the keys there are).</param>
    public static AlgorithmSpec Parse(string spec, string kind, string hint = "")
    {
        var parts = spec.Split(':', 2);
        var settings = new List<Setting>();
        if (parts.Length == 2)
            foreach (var item in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var kv = item.Split('=', 2, StringSplitOptions.TrimEntries);
                if (kv.Length != 2) throw new ArgumentException($"{kind} setting '{item}' must be key=value{hint}");
                settings.Add(new Setting(kv[0].Replace('-', '_').ToLowerInvariant(), kv[1], kv[0]));
            }
        return new AlgorithmSpec(parts[0].Trim(), settings);
    }
}
