using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Trials;

/// <summary>Checkpoint folders: ROOT/STUDY/trial-NNNN, refused when a name would leave the root.</summary>
public static class CheckpointPaths
{
    public static string For(string root, string study, int number)
    {
        if (study.IndexOfAny(['/', '\\']) >= 0 || study is "." or "..")
            throw new ArgumentException($"study name '{study}' would put checkpoints outside CheckpointRoot '{Path.GetFullPath(root)}': use letters, digits, '-', '_' and '.'");
        return Inside(root, TrialFolder.Relative(study, number));
    }

    /// <summary>A path relative to the root, refused when it would leave it.</summary>
    public static string Inside(string root, string relative)
    {
        var fullRoot = Path.GetFullPath(root);
        var path = Path.GetFullPath(Path.Combine(fullRoot, relative));
        var rootWithSeparator = Path.EndsInDirectorySeparator(fullRoot) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        if (!path.StartsWith(rootWithSeparator, StringComparison.Ordinal))
            throw new ArgumentException($"'{relative}' would be outside CheckpointRoot '{fullRoot}'");
        return path;
    }
}
