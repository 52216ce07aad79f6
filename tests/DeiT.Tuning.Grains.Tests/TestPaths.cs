namespace DeiT.Tuning.Grains.Tests;

public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Fixtures => Path.Combine(RepositoryRoot, "..", "shared", "fixtures");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeiT.Tuning.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("DeiT.Tuning.sln not found above the test binaries");
    }
}
