namespace DeiT.Tuning.Training.Data;

/// <summary>Seeded hold-out of a fraction of a dataset for validation; both parts keep the original order.</summary>
public static class DatasetSplitter
{
    private const long SplitStream = 0x5917;   // keeps split draws apart from other uses of the same seed

    public static (IImageSet Train, IImageSet Validation) Split(IImageSet data, double validationFraction, int seed)
    {
        int validationCount = (int)Math.Round(data.Count * validationFraction, MidpointRounding.AwayFromZero);
        var order = Enumerable.Range(0, data.Count).ToArray();
        SeedMix.Shuffle(SeedMix.Random(seed, SplitStream), order.AsSpan());
        var validation = order[..validationCount];
        var train = order[validationCount..];
        Array.Sort(validation);
        Array.Sort(train);
        return (data.Subset(train), data.Subset(validation));
    }
}
