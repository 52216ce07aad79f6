namespace DeiT.Tuning.Search.Distributions;

/// <summary>
/// A parameter exists only when a categorical parameter declared before it takes one of <see cref="Values"/>
/// (YAML: <c>when: {distillation: soft}</c> or <c>when: {distillation: [soft, hard]}</c>).
/// </summary>
public sealed record ParamCondition(string Parameter, IReadOnlyList<string> Values)
{
    public bool IsSatisfiedBy(ParamValue value) => value.Choice is { } choice && Values.Contains(choice);

    public bool Equals(ParamCondition? other) =>
        other is not null && Parameter == other.Parameter && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(Parameter, Values.Count);
}
