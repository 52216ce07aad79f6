namespace DeiT.Tuning.Search.Distributions;

/// <summary>A choice among named values (numbers are kept as their text, e.g. "16").</summary>
public sealed record CategoricalDistribution(string Name, IReadOnlyList<string> Choices) : Distribution(Name)
{
    public override string TypeName => "categorical";

    public override bool Contains(ParamValue value) => value.Choice is { } c && Choices.Contains(c);

    public int IndexOf(ParamValue value) => value.Choice is { } c ? Choices.ToList().IndexOf(c) : -1;

    public override void Check()
    {
        if (Choices.Count == 0) throw Error("choices is empty; list at least one choice");
        var duplicate = Choices.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw Error($"choice '{duplicate.Key}' is listed twice; list each choice once");
        base.Check();
    }

    public override string DomainText => "{" + string.Join(", ", Choices) + "}";

    public bool Equals(CategoricalDistribution? other) =>
        other is not null && base.Equals(other) && Choices.SequenceEqual(other.Choices);

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Choices.Count);
}
