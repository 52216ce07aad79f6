namespace DeiT.Tuning.Search.Distributions;

/// <summary>An invalid search space or assignment; the message names the parameter and the fix.</summary>
public sealed class SearchSpaceException(string? parameter, string message)
    : Exception(parameter is null ? message : $"parameter '{parameter}': {message}")
{
    /// <summary>The parameter at fault, or null when the error is about the whole space.</summary>
    public string? Parameter { get; } = parameter;
}
