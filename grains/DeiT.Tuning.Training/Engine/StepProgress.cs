namespace DeiT.Tuning.Training.Engine;

/// <summary>Progress inside an epoch: epoch and step count from 1; loss of this step; images/s over the epoch so far.</summary>
public sealed record StepProgress(int Epoch, int Step, int StepsPerEpoch, double Loss, double ImagesPerSecond);
