namespace DeiT.Tuning.Search.Distributions;

/// <summary>One searched parameter: its name, its domain, an optional default and an optional condition.</summary>
public abstract record Distribution(string Name)
{
    /// <summary>The value a study starts from (the DeiT recipe's value); null when none is given.</summary>
    public ParamValue? Default { get; init; }

    /// <summary>When set, the parameter exists only if the condition holds.</summary>
    public ParamCondition? When { get; init; }

    /// <summary>"float", "int" or "categorical", as written in a space file.</summary>
    public abstract string TypeName { get; }

    public abstract bool Contains(ParamValue value);

    /// <summary>Throws <see cref="SearchSpaceException"/> when the domain or default is invalid.</summary>
    public virtual void Check()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new SearchSpaceException(null, "a parameter has an empty name; give every parameter a name");
        if (Default is { } d && !Contains(d))
            throw new SearchSpaceException(Name, $"default {d} is outside its domain {DomainText}; pick a default inside it or widen the range");
    }

    public abstract string DomainText { get; }

    protected SearchSpaceException Error(string message) => new(Name, message);
}
