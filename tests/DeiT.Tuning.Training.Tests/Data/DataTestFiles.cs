using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Training.Tests.Data;

/// <summary>Paths to the shared fixtures and the installed Fashion-MNIST, and a cached load of it.</summary>
internal static class DataTestFiles
{
    public const string FashionMnistRoot = DatasetCatalog.DefaultFashionMnistRoot;

    public static string RepoRoot { get; } = FindRepoRoot();
    public static string Fixtures => Path.Combine(RepoRoot, "..", "shared", "fixtures");

    private static readonly Lazy<DatasetSplits> FullFashionMnist = new(() =>
        DatasetCatalog.Load(new DatasetSpec { Kind = "fashion-mnist", Root = FashionMnistRoot, ValidationFraction = 0 }));

    /// <summary>All 60000 training (as Train) and 10000 test images, no validation hold-out.</summary>
    public static DatasetSplits FashionMnist => FullFashionMnist.Value;

    /// <summary>An in-memory split (IDX, CIFAR), to read its stored pixels.</summary>
    public static ImageDataset Stored(this IImageSet set) =>
        set as ImageDataset ?? throw new InvalidOperationException($"{set.Name} is {set.GetType().Name}, not an in-memory ImageDataset.");

    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "deit-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeiT.Tuning.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No DeiT.Tuning.sln above {AppContext.BaseDirectory}.");
    }
}
