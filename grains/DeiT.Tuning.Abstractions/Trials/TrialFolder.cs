namespace DeiT.Tuning.Abstractions.Trials;

/// <summary>Where a trial keeps its files, relative to the silos' CheckpointRoot, and the files a DeiT trial keeps
/// there besides its per-epoch checkpoints.</summary>
public static class TrialFolder
{
    /// <summary>The evaluated weights of the trial's best validation epoch by the study's metric (model card beside it).</summary>
    public const string BestWeights = "best.safetensors";
    /// <summary>The model card beside <see cref="BestWeights"/> (ModelCard.PathFor names it so).</summary>
    public const string BestWeightsCard = "best.json";
    /// <summary>What every attempt's process printed (stderr, and stdout besides its reports), attempt after attempt.</summary>
    public const string Log = "trial.log";

    public static string Relative(string study, int number) => Path.Combine(study, $"trial-{number:D4}");
}
