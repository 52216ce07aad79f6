namespace DeiT.Tuning.Search;

public enum StudyDirection { Maximize, Minimize }

public enum TrialState { Running, Complete, Pruned, Failed }

/// <summary>A parameter's value: a number (float or int) or a categorical choice.</summary>
public readonly record struct ParamValue(double Number, string? Choice)
{
    public static ParamValue Of(double number) => new(number, null);
    public static ParamValue Of(string choice) => new(double.NaN, choice);
    public bool IsChoice => Choice is not null;
    public override string ToString() => Choice ?? Number.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What samplers and pruners see of a trial: an immutable snapshot (Optuna's FrozenTrial).</summary>
public sealed record FrozenTrial(
    int Number,
    TrialState State,
    IReadOnlyDictionary<string, ParamValue> Params,
    double? Value,
    IReadOnlyDictionary<int, double> Intermediate);
