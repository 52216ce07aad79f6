using System.CommandLine;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Cli.Training;

/// <summary>Which dataset, where, and how much of it: the options that make a <see cref="DatasetSpec"/>.</summary>
public sealed class DataOptions
{
    private static readonly string[] Kinds = [.. DatasetCatalog.Kinds];
    private static readonly Dictionary<string, string> InstalledRoots = new()
    {
        ["fashion-mnist"] = DatasetCatalog.DefaultFashionMnistRoot,
    };

    private readonly Option<string> _dataset = new("--dataset")
    {
        Description = "Dataset: " + string.Join(", ", Kinds),
        DefaultValueFactory = _ => "fashion-mnist",
    };
    private readonly Option<string?> _root = new("--data-root")
    {
        Description = $"Folder holding the dataset files (default for fashion-mnist: {DatasetCatalog.DefaultFashionMnistRoot}; imagefolder: train/<class>/*.jpg + val/; webdataset: train/*.tar + val/*.tar; fake: none, random 500×375 images with random labels, as torchvision's FakeData)",
    };
    private readonly Option<double> _valFraction = new("--val-fraction")
    {
        Description = "Fraction of the training set held out for validation (seeded by --split-seed)",
        DefaultValueFactory = _ => 0.1,
    };
    private readonly Option<int> _splitSeed = new("--split-seed") { Description = "Seed of the train/validation split", DefaultValueFactory = _ => 0 };
    private readonly Option<int?> _trainLimit = new("--train-limit") { Description = "Use only the first N training images" };
    private readonly Option<int?> _valLimit = new("--val-limit") { Description = "Use only the first N validation images" };
    private readonly Option<int?> _testLimit = new("--test-limit") { Description = "Use only the first N test images" };

    public DataOptions() => _dataset.AcceptOnlyFromAmong(Kinds);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _dataset, _root, _valFraction, _splitSeed, _trainLimit, _valLimit, _testLimit })
            command.Options.Add(option);
    }

    public DatasetSpec Read(ParseResult result)
    {
        var kind = result.GetValue(_dataset)!;
        var root = result.GetValue(_root) ?? InstalledRoots.GetValueOrDefault(kind) ?? (DatasetCatalog.ReadsFiles(kind) ? null : "")
            ?? throw new CliException($"--data-root is required for --dataset {kind}: give the folder holding its files.");
        if (DatasetCatalog.ReadsFiles(kind) && !Directory.Exists(root))
            throw new CliException($"--data-root '{root}' does not exist; point it at the folder holding the {kind} files" +
                (kind == "fashion-mnist" ? $" (apt-get install dataset-fashion-mnist installs them under {DatasetCatalog.DefaultFashionMnistRoot})." : "."));
        var valFraction = result.GetValue(_valFraction);
        if (valFraction is <= 0 or >= 1)
            throw new CliException($"--val-fraction {valFraction} is invalid: it must be in (0, 1).");
        foreach (var (option, value) in new[] { (_trainLimit, result.GetValue(_trainLimit)), (_valLimit, result.GetValue(_valLimit)), (_testLimit, result.GetValue(_testLimit)) })
            if (value is < 1) throw new CliException($"{option.Name} {value} is invalid: it must be at least 1 (or left out for all images).");
        return new DatasetSpec
        {
            Kind = kind,
            Root = root,
            ValidationFraction = valFraction,
            SplitSeed = result.GetValue(_splitSeed),
            TrainLimit = result.GetValue(_trainLimit),
            ValidationLimit = result.GetValue(_valLimit),
            TestLimit = result.GetValue(_testLimit),
        };
    }
}
