using System.Security.Cryptography;
using System.Text;

namespace DeiT.Tuning.Paper.Plan;

/// <summary>What makes two teachers the same: model, data, recipe (every override, sorted) and seed. Its key names
/// the teacher's folder under the checkpoint root, so a later study with the same identity finds the trained teacher
/// there instead of training it again.</summary>
public sealed record TeacherIdentity(string Model, PaperData Data, IReadOnlyList<RecipeOverride> Recipe, int Seed)
{
    public string Canonical =>
        $"model={Model};data={Data};seed={Seed};recipe={string.Join(",", Recipe.OrderBy(o => o.Name, StringComparer.Ordinal).Select(o => o.ToString()))}";

    /// <summary>"teacher-{model}-{first 12 hex digits of SHA-256(canonical)}".</summary>
    public string Key => $"teacher-{Model}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical)))[..12]}";
}
