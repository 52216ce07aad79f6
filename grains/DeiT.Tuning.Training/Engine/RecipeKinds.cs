namespace DeiT.Tuning.Training.Engine;

/// <summary>The per-image policy augmentation of a recipe (DeiT's Table 8 compares the two).</summary>
public enum AugmentationPolicy { RandAugment, AutoAugment }

/// <summary>The optimizer of a recipe: DeiT's AdamW, or SGD with momentum (Table 8's "SGD" row).</summary>
public enum OptimizerKind { AdamW, Sgd }
