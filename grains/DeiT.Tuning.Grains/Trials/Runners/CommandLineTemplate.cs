using System.Globalization;
using System.Text.RegularExpressions;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>Fills an argv template's {name} placeholders; an unknown placeholder is an error naming it.</summary>
public static partial class CommandLineTemplate
{
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> template, IReadOnlyDictionary<string, string> values)
    {
        if (template.Count == 0)
            throw new ArgumentException("the external command is empty: give an argv template such as [\"python\", \"train.py\", \"--lr\", \"{lr}\"]");
        return template.Select(arg => Placeholder().Replace(arg, m =>
            values.TryGetValue(m.Groups[1].Value, out var v)
                ? v
                : throw new ArgumentException(
                    $"command placeholder {{{m.Groups[1].Value}}} is neither a parameter nor one of {string.Join(", ", values.Keys.Order().Select(k => "{" + k + "}"))}"))).ToList();
    }

    public static Dictionary<string, string> Values(RunnerContext context)
    {
        var a = context.Assignment;
        var values = a.Params.ToDictionary(p => p.Key, p => p.Value.ToString());
        values["epochs"] = a.Runner.Epochs.ToString(CultureInfo.InvariantCulture);
        values["seed"] = a.Seed.ToString(CultureInfo.InvariantCulture);
        values["trial"] = a.Number.ToString(CultureInfo.InvariantCulture);
        values["study"] = a.Study;
        values["checkpoint_dir"] = context.CheckpointDirectory;
        values["device"] = context.TorchDevice;
        values["threads"] = context.Threads.ToString(CultureInfo.InvariantCulture);
        return values;
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();
}
