namespace DeiT.Tuning.Search.Distributions;

/// <summary>The parameters a study searches over (issue 3 fills in distributions, conditions and parsing).</summary>
public sealed class SearchSpace
{
}
