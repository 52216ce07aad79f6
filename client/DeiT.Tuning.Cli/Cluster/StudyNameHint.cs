namespace DeiT.Tuning.Cli.Cluster;

/// <summary>What to suggest for a --study that names no study: the closest existing name, the names, or how to start one.</summary>
public static class StudyNameHint
{
    private const int Listed = 8;

    public static string For(string study, IReadOnlyList<string> existing)
    {
        if (existing.Count == 0)
            return $"none exists there yet: start one with `deit-tune search start --study {study} …` or `deit-tune paper start --study {study}`";
        var closest = existing.Select(name => (name, distance: Distance(study, name))).MinBy(c => (c.distance, c.name));
        if (closest.distance <= Math.Max(1, study.Length / 4))
            return $"did you mean '{closest.name}'? (`deit-tune studies` lists all {existing.Count})";
        var names = existing.Order(StringComparer.Ordinal).Take(Listed);
        return $"its studies: {string.Join(", ", names)}{(existing.Count > Listed ? $" and {existing.Count - Listed} more" : "")} (`deit-tune studies`)";
    }

    /// <summary>Edits (insert, delete, substitute, swap of neighbours; case-blind) from one name to the other.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            d[i, j] = Math.Min(Math.Min(d[i - 1, j], d[i, j - 1]) + 1, d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
