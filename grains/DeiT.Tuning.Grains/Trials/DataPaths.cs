namespace DeiT.Tuning.Grains.Trials;

/// <summary>
/// Dataset and teacher paths a study names, resolved against the silo's DataRoot. A path (relative or absolute)
/// that lands outside DataRoot is refused: a client must not make a silo read arbitrary files.
/// </summary>
public static class DataPaths
{
    public static string Resolve(string dataRoot, string path, string what, bool confine = true)
    {
        var root = Path.GetFullPath(dataRoot);
        var full = Path.GetFullPath(Path.Combine(root, path));
        if (!confine) return full;
        var rootWithSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (full != root && !full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
            throw new ArgumentException($"{what} '{path}' resolves to '{full}', outside this silo's DataRoot '{root}': give a path inside DataRoot (or widen the silo's DataRoot setting)");
        return full;
    }
}
