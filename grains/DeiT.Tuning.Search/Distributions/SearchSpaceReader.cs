using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DeiT.Tuning.Search.Distributions;

/// <summary>
/// Reads a space file. YAML and JSON share one reader (JSON is YAML's flow style), in either of two shapes:
/// <code>
/// parameters:
///   lr: {type: float, low: 1.0e-5, high: 1.0e-2, log: true, default: 5.0e-4}
///   tau: {type: float, low: 0.5, high: 5, when: {distillation: soft}}
/// </code>
/// or <c>parameters: [{name: lr, type: float, ...}, ...]</c>.
/// </summary>
internal static class SearchSpaceReader
{
    private static readonly HashSet<string> NumericKeys = ["name", "type", "low", "high", "log", "step", "default", "when"];
    private static readonly HashSet<string> CategoricalKeys = ["name", "type", "choices", "default", "when"];

    public static SearchSpace Read(string text)
    {
        var root = LoadRoot(text);
        if (root is not YamlMappingNode map || !TryGet(map, "parameters", out var parameters))
            throw new SearchSpaceException(null, "the space must be a mapping with a 'parameters' key (a mapping name → spec, or a list of specs with 'name')");
        var list = new List<Distribution>();
        switch (parameters)
        {
            case YamlMappingNode byName:
                foreach (var (key, spec) in byName.Children)
                    list.Add(ReadParameter(Scalar(key, "parameter name"), spec));
                break;
            case YamlSequenceNode sequence:
                foreach (var spec in sequence.Children)
                {
                    var name = spec is YamlMappingNode m && TryGet(m, "name", out var n) ? Scalar(n, "name") : null;
                    list.Add(ReadParameter(name ?? throw new SearchSpaceException(null, "a parameter in the list has no 'name'; add one"), spec));
                }
                break;
            default:
                throw new SearchSpaceException(null, "'parameters' must be a mapping or a list");
        }
        return new SearchSpace(list);
    }

    private static YamlNode LoadRoot(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e) when (DuplicateKey(e) is { } key)
        {
            throw new SearchSpaceException(key, "declared twice; give each parameter a unique name");
        }
        catch (YamlException e)
        {
            throw new SearchSpaceException(null, $"not valid YAML/JSON at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        if (stream.Documents.Count == 0) throw new SearchSpaceException(null, "the space file is empty; declare 'parameters'");
        return stream.Documents[0].RootNode;
    }

    // YamlDotNet reports a repeated mapping key as "Duplicate key <key>" (sometimes wrapped).
    private static string? DuplicateKey(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            const string marker = "Duplicate key ";
            var i = x.Message.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            if (i >= 0) return x.Message[(i + marker.Length)..].Trim().Trim('\'', '"', '.');
            if (x is ArgumentException && x.Message.Contains("same key", StringComparison.OrdinalIgnoreCase)) return "?";
        }
        return null;
    }

    private static Distribution ReadParameter(string name, YamlNode node)
    {
        if (node is not YamlMappingNode spec)
            throw new SearchSpaceException(name, "its spec must be a mapping like {type: float, low: 0, high: 1}");
        var type = TryGet(spec, "type", out var t) ? Scalar(t, name, "type") : throw new SearchSpaceException(name, "has no 'type'; use float, int or categorical");
        Distribution distribution = type.ToLowerInvariant() switch
        {
            "float" => ReadFloat(name, spec),
            "int" => ReadInt(name, spec),
            "categorical" => ReadCategorical(name, spec),
            _ => throw new SearchSpaceException(name, $"unknown type '{type}'; use float, int or categorical"),
        };
        var allowed = distribution is CategoricalDistribution ? CategoricalKeys : NumericKeys;
        foreach (var key in spec.Children.Keys)
        {
            var k = Scalar(key, name, "key");
            if (!allowed.Contains(k))
                throw new SearchSpaceException(name, $"unknown key '{k}' for type {type}; allowed: {string.Join(", ", allowed)}");
        }
        return distribution with { When = ReadCondition(name, spec) };
    }

    private static FloatDistribution ReadFloat(string name, YamlMappingNode spec)
    {
        var low = Number(spec, name, "low") ?? throw new SearchSpaceException(name, "has no 'low'; give the range's lower bound");
        var high = Number(spec, name, "high") ?? throw new SearchSpaceException(name, "has no 'high'; give the range's upper bound");
        var d = new FloatDistribution(name, low, high, Bool(spec, name, "log"), Number(spec, name, "step"));
        return Number(spec, name, "default") is { } def ? d with { Default = ParamValue.Of(def) } : d;
    }

    private static IntDistribution ReadInt(string name, YamlMappingNode spec)
    {
        var low = Integer(spec, name, "low") ?? throw new SearchSpaceException(name, "has no 'low'; give the range's lower bound");
        var high = Integer(spec, name, "high") ?? throw new SearchSpaceException(name, "has no 'high'; give the range's upper bound");
        var d = new IntDistribution(name, low, high, Bool(spec, name, "log"), Integer(spec, name, "step") ?? 1);
        return Number(spec, name, "default") is { } def ? d with { Default = ParamValue.Of(def) } : d;
    }

    private static CategoricalDistribution ReadCategorical(string name, YamlMappingNode spec)
    {
        if (!TryGet(spec, "choices", out var c) || c is not YamlSequenceNode choices)
            throw new SearchSpaceException(name, "a categorical needs 'choices' as a list, e.g. choices: [none, soft, hard]");
        var d = new CategoricalDistribution(name, choices.Children.Select(x => Scalar(x, name, "choice")).ToList());
        return TryGet(spec, "default", out var def) ? d with { Default = ParamValue.Of(Scalar(def, name, "default")) } : d;
    }

    private static ParamCondition? ReadCondition(string name, YamlMappingNode spec)
    {
        if (!TryGet(spec, "when", out var w)) return null;
        if (w is not YamlMappingNode when || when.Children.Count != 1)
            throw new SearchSpaceException(name, "'when' must name exactly one parameter, e.g. when: {distillation: soft}");
        var (key, value) = when.Children.First();
        var values = value is YamlSequenceNode seq
            ? seq.Children.Select(x => Scalar(x, name, "when value")).ToList()
            : [Scalar(value, name, "when value")];
        return new ParamCondition(Scalar(key, name, "when"), values);
    }

    private static bool TryGet(YamlMappingNode map, string key, out YamlNode value) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out value!);

    private static string Scalar(YamlNode node, string name, string what = "value") => node is YamlScalarNode { Value: { } v }
        ? v
        : throw new SearchSpaceException(name, $"{what} must be a plain value, not a list or mapping");

    private static double? Number(YamlMappingNode spec, string name, string key)
    {
        if (!TryGet(spec, key, out var node)) return null;
        var text = Scalar(node, name, key);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            ? x
            : throw new SearchSpaceException(name, $"'{key}' is '{text}', not a number; write a number such as 0.5 or 1e-4");
    }

    private static long? Integer(YamlMappingNode spec, string name, string key)
    {
        if (Number(spec, name, key) is not { } x) return null;
        return x == Math.Round(x) && Math.Abs(x) < 1e15
            ? (long)x
            : throw new SearchSpaceException(name, $"'{key}' is {x.ToString(CultureInfo.InvariantCulture)}, but an int parameter needs a whole number");
    }

    private static bool Bool(YamlMappingNode spec, string name, string key)
    {
        if (!TryGet(spec, key, out var node)) return false;
        var text = Scalar(node, name, key);
        return bool.TryParse(text, out var b) ? b : throw new SearchSpaceException(name, $"'{key}' is '{text}'; write true or false");
    }
}
