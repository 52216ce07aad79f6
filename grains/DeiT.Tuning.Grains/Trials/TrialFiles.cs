namespace DeiT.Tuning.Grains.Trials;

/// <summary>Files a DeiT trial keeps in its checkpoint folder besides the per-epoch checkpoints.</summary>
public static class TrialFiles
{
    /// <summary>The evaluated weights of the trial's best validation epoch by the study's metric (model card beside it).</summary>
    public const string BestWeights = "best.safetensors";
    /// <summary>What every attempt's process printed (stderr, and stdout besides its reports), attempt after attempt.</summary>
    public const string Log = "trial.log";

    public static string LogPath(string checkpointRoot, string study, int number) => Path.Combine(CheckpointPaths.For(checkpointRoot, study, number), Log);
}
