using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace DeiT.Tuning.Cli.Infrastructure;

/// <summary>
/// Words System.CommandLine's parse errors the way the commands word theirs: "error: --lr 'abc' is not a number",
/// naming the option and what it takes, exit code 2. (Its own text names .NET types: "as expected type 'System.Double'".)
/// </summary>
public static partial class ParseErrors
{
    public const int ExitCode = 2;

    /// <summary>Writes the errors of <paramref name="result"/>, if the parser would report them, and returns whether it
    /// did (a help or version request with other options missing is not an error).</summary>
    public static bool Report(ParseResult result, TextWriter error)
    {
        if (result.Action is not System.CommandLine.Invocation.ParseErrorAction) return false;
        foreach (var e in result.Errors) error.WriteLine($"error: {Describe(e)}");
        error.WriteLine($"see: {string.Join(' ', Path(result.CommandResult).Prepend("deit-tune"))} --help");
        return true;
    }

    public static string Describe(ParseError error)
    {
        if (CannotParse().Match(error.Message) is { Success: true } m)
            return $"{m.Groups["option"].Value} '{m.Groups["value"].Value}' is not {Expected(m.Groups["type"].Value)}";
        if (NotRecognized().Match(error.Message) is { Success: true } n
            && (error.SymbolResult as OptionResult ?? error.SymbolResult?.Parent as OptionResult) is { } option)
        {
            var choices = Choice().Matches(error.Message[n.Length..]).Select(c => c.Groups[1].Value);
            return $"{option.Option.Name} '{n.Groups["value"].Value}' is not one of: {string.Join(", ", choices)}";
        }
        return error.Message.TrimEnd('.');
    }

    static string Expected(string type) => Nullable().Replace(type, "$1") switch
    {
        "System.Double" or "System.Single" => "a number (such as 0.5 or 1e-3)",
        "System.Int32" or "System.Int64" => "a whole number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a duration",
        var other => $"a valid {other.Split('.')[^1]}",
    };

    static IEnumerable<string> Path(CommandResult command)
    {
        var names = new Stack<string>();
        for (SymbolResult? s = command; s is CommandResult c && c.Parent is not null; s = c.Parent) names.Push(c.Command.Name);
        return names;
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"^Argument '(?<value>.*?)' not recognized\. Must be one of:", RegexOptions.Singleline)]
    private static partial Regex NotRecognized();

    [GeneratedRegex(@"^System\.Nullable`1\[(.*)\]$")]
    private static partial Regex Nullable();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex Choice();
}
