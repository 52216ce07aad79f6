using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;
using TorchSharp;
using TorchSharp.PyBridge;

namespace DeiT.Tuning.Training.Tests.Engine;

/// <summary>Small, fast training jobs on the first few hundred real Fashion-MNIST images, and a scratch folder.</summary>
public sealed class EngineJobs : IDisposable
{
    public const string FashionMnistRoot = DatasetCatalog.DefaultFashionMnistRoot;

    public string Scratch { get; } = Directory.CreateTempSubdirectory("deit-engine-tests-").FullName;

    public string PathIn(string name) => Path.Combine(Scratch, name);

    public static DatasetSpec SmallFashionMnist => new()
    {
        Kind = "fashion-mnist",
        Root = FashionMnistRoot,
        TrainLimit = 256,
        ValidationLimit = 64,
        TestLimit = 64,
    };

    /// <summary>The DeiT recipe at toy scale: every random component on (RandAugment, Mixup/CutMix, erasing, drop path, EMA).</summary>
    public static TrainingJob Deit(int epochs = 3) => new()
    {
        Model = "deit_micro_patch4_28",
        Data = SmallFashionMnist,
        Recipe = new DeitRecipe { Epochs = epochs, BatchSize = 32, WarmupEpochs = 1, BaseLr = 5e-3, EmaDecay = 0.9, ClipGrad = 5.0 },
        Seed = 7,
        EvaluateTestEachEpoch = true,
    };

    public static TrainingRunOptions Run(string? checkpoints = null, string? output = null) =>
        new() { Threads = 2, LoaderWorkers = 2, CheckpointDirectory = checkpoints, OutputPath = output };

    public static Dictionary<string, torch.Tensor> LoadWeights(string path) => Safetensors.LoadStateDict(path);

    /// <summary>Same shape and bit-for-bit equal values.</summary>
    public static bool Identical(torch.Tensor a, torch.Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    public void Dispose()
    {
        try { Directory.Delete(Scratch, recursive: true); } catch (IOException) { }
    }
}
