using System.Globalization;

namespace DeiT.Tuning.Paper.Plan;

/// <summary>One recipe parameter a trial sets, by the DeiT search space's name (lr, randaug_ops, mixup_alpha, …, plus
/// optimizer, augmentation, ema_decay, repeated_augmentation, epochs, batch_size): a number or a choice.</summary>
public sealed record RecipeOverride(string Name, double? Number = null, string? Choice = null)
{
    public static RecipeOverride Of(string name, double number) => new(name, Number: number);
    public static RecipeOverride Of(string name, string choice) => new(name, Choice: choice);

    public string ValueText => Choice ?? Number!.Value.ToString("R", CultureInfo.InvariantCulture);

    public override string ToString() => $"{Name}={ValueText}";
}
