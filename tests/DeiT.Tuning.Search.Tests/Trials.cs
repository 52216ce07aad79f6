namespace DeiT.Tuning.Search.Tests;

/// <summary>Builders of frozen trials for tests.</summary>
internal static class Trials
{
    private static readonly IReadOnlyDictionary<string, ParamValue> NoParams = new Dictionary<string, ParamValue>();

    public static FrozenTrial Complete(int number, IReadOnlyDictionary<string, ParamValue> p, double value) =>
        new(number, TrialState.Complete, p, value, new Dictionary<int, double>());

    public static FrozenTrial Running(int number, IReadOnlyDictionary<string, ParamValue> p) =>
        new(number, TrialState.Running, p, null, new Dictionary<int, double>());

    public static FrozenTrial Reporting(int number, TrialState state, params (int Step, double Value)[] reports) =>
        new(number, state, NoParams, null, reports.ToDictionary(r => r.Step, r => r.Value));

    public static Dictionary<string, ParamValue> X(double x) => new() { ["x"] = ParamValue.Of(x) };
}
