using DeiT.Tuning.Training.Data;

namespace DeiT.Tuning.Training.Engine;

/// <summary>
/// Per-step seeds, pure functions of (seed, epoch, step) like every other draw (see <see cref="SeedMix"/>), so a
/// resumed run draws exactly the random numbers of the uninterrupted one.
/// </summary>
internal static class StepSeed
{
    private const long TorchStream = 0x70C4;
    private const long MixingStream = 0x313C;
    private const long InitStream = 0x1417;

    /// <summary>Seed of torch's generator when the model's initial weights are drawn.</summary>
    public static long Initialization(int seed) => (long)(SeedMix.Mix(seed, InitStream) >> 1);

    /// <summary>Seed of torch's generator for the step (drop path).</summary>
    public static long Torch(int seed, int epoch, int step) => (long)(SeedMix.Mix(seed, epoch, step, TorchStream) >> 1);

    /// <summary>Generator of the step's Mixup/CutMix draws.</summary>
    public static Random Mixing(int seed, int epoch, int step) => SeedMix.Random(seed, epoch, step, MixingStream);
}
