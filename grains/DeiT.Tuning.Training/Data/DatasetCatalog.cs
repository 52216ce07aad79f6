using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Training.Data;

/// <summary>Loads a <see cref="DatasetSpec"/> into train / validation (seeded hold-out of the training set) / test.</summary>
public static class DatasetCatalog
{
    public const string DefaultFashionMnistRoot = "/usr/share/datasets/fashion-mnist";
    public const int DefaultImageFolderSize = 224;
    public static IReadOnlyList<string> Kinds { get; } = ["fashion-mnist", "mnist", "cifar10", "cifar100", "imagefolder", "webdataset", "fake"];

    /// <summary>The fake dataset's size: ImageNet's classes, a train and a test part (use the limits for less).</summary>
    public const int FakeClasses = 1000, FakeTrainImages = 50_000, FakeTestImages = 10_000;

    private static readonly string[] FashionMnistClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Whether a kind reads files (all but "fake", whose Root is ignored).</summary>
    public static bool ReadsFiles(string kind) => !kind.Equals("fake", StringComparison.OrdinalIgnoreCase);

    public static DatasetSplits Load(DatasetSpec spec) => Load(spec, DefaultImageFolderSize);

    /// <param name="imageFolderSize">side length ImageFolder/WebDataset images are rendered at (other kinds have fixed sizes).</param>
    public static DatasetSplits Load(DatasetSpec spec, int imageFolderSize)
    {
        if (spec.ValidationFraction is < 0 or >= 1 || double.IsNaN(spec.ValidationFraction))
            throw new ArgumentException($"DatasetSpec.ValidationFraction must be in [0, 1), got {spec.ValidationFraction}.");
        foreach (var (name, limit) in new[] { ("TrainLimit", spec.TrainLimit), ("ValidationLimit", spec.ValidationLimit), ("TestLimit", spec.TestLimit) })
            if (limit < 0) throw new ArgumentException($"DatasetSpec.{name} must be non-negative (or null for all images), got {limit}.");
        var (train, test) = spec.Kind.ToLowerInvariant() switch
        {
            "fashion-mnist" => LoadIdx("fashion-mnist", RootOrDefault(spec, DefaultFashionMnistRoot), FashionMnistClasses, Normalization.FashionMnist),
            "mnist" => LoadIdx("mnist", spec.Root, Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray(), Normalization.Mnist),
            "cifar10" => LoadCifar10(spec.Root),
            "cifar100" => LoadCifar100(spec.Root),
            "imagefolder" => LoadImageFolder(spec.Root, imageFolderSize),
            "webdataset" => LoadWebDataset(spec.Root, imageFolderSize),
            "fake" => (new FakeImageSet("fake", FakeTrainImages, FakeClasses, imageFolderSize, seed: 0),
                new FakeImageSet("fake", FakeTestImages, FakeClasses, imageFolderSize, seed: 1)),
            _ => throw new ArgumentException($"DatasetSpec.Kind '{spec.Kind}' is unknown; use one of: {string.Join(", ", Kinds)}."),
        };
        var (trainPart, validationPart) = DatasetSplitter.Split(train, spec.ValidationFraction, spec.SplitSeed);
        return new DatasetSplits(trainPart.Take(spec.TrainLimit), validationPart.Take(spec.ValidationLimit), test.Take(spec.TestLimit));
    }

    private static string RootOrDefault(DatasetSpec spec, string fallback) => string.IsNullOrWhiteSpace(spec.Root) ? fallback : spec.Root;

    private static (IImageSet Train, IImageSet Test) LoadIdx(string name, string root, string[] classes, Normalization norm)
    {
        string[] needed = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
        var paths = needed.Select(n => IdxReader.Find(root, n)).ToArray();
        if (paths.Any(p => p is null))
        {
            var hint = name == "fashion-mnist" ? " Install them with `apt-get install dataset-fashion-mnist` (files in " + DefaultFashionMnistRoot + ")." : "";
            throw new DatasetFileException(
                $"{name}: missing {string.Join(", ", needed.Where((_, i) => paths[i] is null))} in '{root}'. " +
                $"The folder must hold {string.Join(", ", needed)} (each .gz or raw).{hint}");
        }
        return (ReadIdxPair(name, paths[0]!, paths[1]!, classes, norm), ReadIdxPair(name, paths[2]!, paths[3]!, classes, norm));
    }

    private static ImageDataset ReadIdxPair(string name, string imagesPath, string labelsPath, string[] classes, Normalization norm)
    {
        var (pixels, count, rows, columns) = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath);
        if (labels.Length != count)
            throw new DatasetFileException($"{Path.GetFileName(labelsPath)}: expected {count} labels (one per image in {Path.GetFileName(imagesPath)}), found {labels.Length}.");
        foreach (int label in labels)
            if (label >= classes.Length)
                throw new DatasetFileException($"{Path.GetFileName(labelsPath)}: label {label} outside 0..{classes.Length - 1}.");
        return new ImageDataset(name, 1, rows, columns, pixels, labels, classes, norm);
    }

    private static (IImageSet, IImageSet) LoadCifar10(string root)
    {
        var folder = FolderHolding(root, "data_batch_1.bin", "cifar-10-batches-bin");
        string[] trainFiles = Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray();
        RequireFiles("cifar10", folder, [.. trainFiles, "test_batch.bin"]);
        var classes = ReadClassNames(Path.Combine(folder, "batches.meta.txt"), 10);
        var train = CifarBinaryReader.Read(trainFiles.Select(f => Path.Combine(folder, f)).ToArray(), 1, 0, 10);
        var test = CifarBinaryReader.Read([Path.Combine(folder, "test_batch.bin")], 1, 0, 10);
        return (Cifar("cifar10", train, classes, Normalization.Cifar10), Cifar("cifar10", test, classes, Normalization.Cifar10));
    }

    private static (IImageSet, IImageSet) LoadCifar100(string root)
    {
        var folder = FolderHolding(root, "train.bin", "cifar-100-binary");
        RequireFiles("cifar100", folder, ["train.bin", "test.bin"]);
        var classes = ReadClassNames(Path.Combine(folder, "fine_label_names.txt"), 100);
        var train = CifarBinaryReader.Read([Path.Combine(folder, "train.bin")], 2, 1, 100);
        var test = CifarBinaryReader.Read([Path.Combine(folder, "test.bin")], 2, 1, 100);
        return (Cifar("cifar100", train, classes, Normalization.Cifar100), Cifar("cifar100", test, classes, Normalization.Cifar100));
    }

    private static ImageDataset Cifar(string name, (byte[] Pixels, int[] Labels) data, string[] classes, Normalization norm) =>
        new(name, 3, 32, 32, data.Pixels, data.Labels, classes, norm);

    /// <summary>Streamed: the file lists in memory, images decoded per sample by the loader's workers.</summary>
    private static (IImageSet, IImageSet) LoadImageFolder(string root, int size)
    {
        var (trainDir, testDir) = TrainAndTestFolders("imagefolder", root, "train/<class>/*.jpg|png and val/<class>/*.jpg|png");
        var classes = ImageFolderReader.ClassNames(trainDir);
        var name = FolderName(root);
        return (ImageFolderReader.Open(name, trainDir, classes, size), ImageFolderReader.Open(name, testDir, classes, size));
    }

    private static (IImageSet, IImageSet) LoadWebDataset(string root, int size)
    {
        var (trainDir, testDir) = TrainAndTestFolders("webdataset", root, "train/shard-*.tar and val/shard-*.tar");
        var name = FolderName(root);
        var train = WebDatasetReader.Open(name, trainDir, size);
        return (train, WebDatasetReader.Open(name, testDir, size, train.NumClasses));
    }

    private static (string Train, string Test) TrainAndTestFolders(string kind, string root, string layout)
    {
        var trainDir = Path.Combine(root, "train");
        var testDir = new[] { "val", "test" }.Select(d => Path.Combine(root, d)).FirstOrDefault(Directory.Exists);
        if (!Directory.Exists(trainDir) || testDir is null)
            throw new DatasetFileException(
                $"{kind}: '{root}' must hold {layout} (or test/ for val/); missing {(!Directory.Exists(trainDir) ? "train/" : "val/")}.");
        return (trainDir, testDir);
    }

    private static string FolderName(string root) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));

    /// <summary>The root itself, or its standard subfolder from the CIFAR archive, whichever holds the marker file.</summary>
    private static string FolderHolding(string root, string marker, string archiveFolder)
    {
        var nested = Path.Combine(root, archiveFolder);
        return !File.Exists(Path.Combine(root, marker)) && File.Exists(Path.Combine(nested, marker)) ? nested : root;
    }

    private static void RequireFiles(string kind, string folder, string[] files)
    {
        var missing = files.Where(f => !File.Exists(Path.Combine(folder, f))).ToArray();
        if (missing.Length > 0)
            throw new DatasetFileException(
                $"{kind}: missing {string.Join(", ", missing)} in '{folder}'. The folder must hold {string.Join(", ", files)} (the binary version of the dataset).");
    }

    /// <summary>Class names from the archive's text file; numbered names when it is absent.</summary>
    private static string[] ReadClassNames(string path, int count)
    {
        if (!File.Exists(path)) return Enumerable.Range(0, count).Select(i => i.ToString()).ToArray();
        var names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length != count)
            throw new DatasetFileException($"{Path.GetFileName(path)}: expected {count} class names, found {names.Length}.");
        return names;
    }
}
