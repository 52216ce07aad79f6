namespace DeiT.Tuning.Grains;

public static class StorageNames
{
    /// <summary>The one grain storage every DeiT.Tuning grain uses (SQLite, Redis or PostgreSQL by configuration).</summary>
    public const string Default = "deit";
}
