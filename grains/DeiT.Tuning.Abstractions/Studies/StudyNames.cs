using System.Text.RegularExpressions;

namespace DeiT.Tuning.Abstractions.Studies;

public static partial class StudyNames
{
    /// <summary>Throws when a study name could not be a folder name under the checkpoint root.</summary>
    public static void Validate(string name)
    {
        if (!Pattern().IsMatch(name))
            throw new ArgumentException($"study name '{name}' is not allowed: use 1-64 letters, digits, '.', '-' or '_', starting with a letter or digit");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex Pattern();
}
