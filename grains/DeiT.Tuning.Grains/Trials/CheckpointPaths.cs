namespace DeiT.Tuning.Grains.Trials;

/// <summary>Checkpoint folders: ROOT/STUDY/trial-NNNN, refused when a name would leave the root.</summary>
public static class CheckpointPaths
{
    public static string For(string root, string study, int number)
    {
        var fullRoot = Path.GetFullPath(root);
        var folder = Path.GetFullPath(Path.Combine(fullRoot, study, $"trial-{number:D4}"));
        var rootWithSeparator = Path.EndsInDirectorySeparator(fullRoot) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        if (!folder.StartsWith(rootWithSeparator, StringComparison.Ordinal) || study.IndexOfAny(['/', '\\']) >= 0 || study is "." or "..")
            throw new ArgumentException($"study name '{study}' would put checkpoints outside CheckpointRoot '{fullRoot}': use letters, digits, '-', '_' and '.'");
        return folder;
    }
}
