namespace DeiT.Tuning.Training.Data;

/// <summary>Train, validation (held out of the training files) and test (the dataset's own test files).</summary>
public sealed record DatasetSplits(IImageSet Train, IImageSet Validation, IImageSet Test);
