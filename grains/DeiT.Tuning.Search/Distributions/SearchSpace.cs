using System.Reflection;

namespace DeiT.Tuning.Search.Distributions;

/// <summary>
/// The parameters a study searches over, in declaration order. Built in code or parsed from YAML/JSON
/// (<see cref="Parse"/>); every construction validates, so an instance is always a valid space.
/// </summary>
public sealed class SearchSpace
{
    private readonly Dictionary<string, Distribution> _byName;

    public SearchSpace(IEnumerable<Distribution> parameters)
    {
        Parameters = parameters.ToList();
        _byName = new Dictionary<string, Distribution>(StringComparer.Ordinal);
        if (Parameters.Count == 0) throw new SearchSpaceException(null, "the search space has no parameters; declare at least one under 'parameters'");
        foreach (var p in Parameters)
        {
            p.Check();
            if (p.When is { } when) CheckCondition(p, when);
            if (!_byName.TryAdd(p.Name, p))
                throw new SearchSpaceException(p.Name, "declared twice; give each parameter a unique name");
        }
    }

    public IReadOnlyList<Distribution> Parameters { get; }

    public Distribution this[string name] => _byName.TryGetValue(name, out var d)
        ? d
        : throw new SearchSpaceException(name, $"not in the search space (known: {string.Join(", ", _byName.Keys)})");

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The DeiT study's space (DESIGN.md), shipped as Spaces/deit.yaml.</summary>
    public static SearchSpace DeitDefault => LazyDeit.Value;

    private static readonly Lazy<SearchSpace> LazyDeit = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("DeiT.Tuning.Search.Spaces.deit.yaml")
            ?? throw new InvalidOperationException("embedded resource Spaces/deit.yaml is missing from DeiT.Tuning.Search");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    });

    /// <summary>A study's space: the text it was created with, or the DeiT space when it named none.</summary>
    public static SearchSpace ForStudy(string? text) => text is null ? DeitDefault : Parse(text);

    /// <summary>Parses a space from YAML or JSON text (one reader: JSON is YAML's flow style).</summary>
    public static SearchSpace Parse(string text) => SearchSpaceReader.Read(text);

    public static SearchSpace Load(string path)
    {
        if (!File.Exists(path)) throw new SearchSpaceException(null, $"search space file '{path}' does not exist; check the path");
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (SearchSpaceException e)
        {
            throw new SearchSpaceException(e.Parameter, $"{path}: {e.Message}");
        }
    }

    /// <summary>The space as JSON in the same format <see cref="Parse"/> reads.</summary>
    public string ToJson() => SearchSpaceWriter.ToJson(this);

    /// <summary>Whether <paramref name="parameter"/> exists given the values assigned so far (its parent must be assigned).</summary>
    public bool IsActive(Distribution parameter, IReadOnlyDictionary<string, ParamValue> assigned) =>
        parameter.When is not { } when || (assigned.TryGetValue(when.Parameter, out var parent) && when.IsSatisfiedBy(parent));

    /// <summary>
    /// The parameters that exist under a (partial) assignment, in declaration order. Samplers assign in that order,
    /// so a conditional parameter's parent is always decided first.
    /// </summary>
    public IReadOnlyList<Distribution> ActiveParameters(IReadOnlyDictionary<string, ParamValue> assigned) =>
        Parameters.Where(p => IsActive(p, assigned)).ToList();

    /// <summary>Throws <see cref="SearchSpaceException"/> unless the assignment holds exactly the active parameters, each in its domain.</summary>
    public void Validate(IReadOnlyDictionary<string, ParamValue> assignment)
    {
        foreach (var name in assignment.Keys)
            if (!_byName.ContainsKey(name))
                throw new SearchSpaceException(name, "not in the search space; remove it or declare it");
        foreach (var p in Parameters)
        {
            var active = IsActive(p, assignment);
            var has = assignment.TryGetValue(p.Name, out var value);
            if (active && !has) throw new SearchSpaceException(p.Name, "missing from the configuration; give it a value in " + p.DomainText);
            if (!active && has)
                throw new SearchSpaceException(p.Name, $"given, but its condition {p.When!.Parameter} in {{{string.Join(", ", p.When.Values)}}} does not hold; remove it");
            if (has && !p.Contains(value))
                throw new SearchSpaceException(p.Name, $"value {value} is outside {p.DomainText}; pick a value inside it");
        }
    }

    /// <summary>The configuration made of every active parameter's default (the recipe the space was written from).</summary>
    public IReadOnlyDictionary<string, ParamValue> Defaults()
    {
        var assignment = new Dictionary<string, ParamValue>();
        foreach (var p in Parameters)
        {
            if (!IsActive(p, assignment)) continue;
            assignment[p.Name] = p.Default ?? throw new SearchSpaceException(p.Name, "has no default; add 'default:' to use the space's defaults");
        }
        return assignment;
    }

    private void CheckCondition(Distribution p, ParamCondition when)
    {
        if (!_byName.TryGetValue(when.Parameter, out var parent))
            throw new SearchSpaceException(p.Name, $"its condition refers to '{when.Parameter}', which is not declared before it; declare '{when.Parameter}' first or fix the name");
        if (parent is not CategoricalDistribution categorical)
            throw new SearchSpaceException(p.Name, $"its condition refers to '{when.Parameter}', which is {parent.TypeName}; conditions must name a categorical parameter");
        if (when.Values.Count == 0)
            throw new SearchSpaceException(p.Name, $"its condition on '{when.Parameter}' lists no values; list at least one of {categorical.DomainText}");
        foreach (var v in when.Values)
            if (!categorical.Choices.Contains(v))
                throw new SearchSpaceException(p.Name, $"its condition value '{v}' is not a choice of '{when.Parameter}' {categorical.DomainText}; use one of them");
    }
}
