using System.Text;
using DeiT.Tuning.Cli.Infrastructure;

namespace DeiT.Tuning.Cli.Commands.Search;

/// <summary>
/// Splits `--command` into argv as a POSIX shell splits words, without running a shell: blanks separate words,
/// '…' keeps everything literally, "…" keeps blanks and honours \" \\ \$ \`, and a backslash outside quotes escapes
/// the next character. Nothing is expanded: {param} placeholders pass through for the silo to fill in.
/// </summary>
public static class CommandWords
{
    public static IReadOnlyList<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case ' ' or '\t' or '\n':
                    if (inWord) words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                    break;
                case '\'':
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0) throw Unterminated(text, "'");
                    word.Append(text, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                case '"':
                    i = ReadDoubleQuoted(text, i + 1, word);
                    inWord = true;
                    break;
                case '\\':
                    if (i + 1 >= text.Length) throw new CliException($"--command {text}: it ends with a lone backslash; remove it or escape it as \\\\");
                    word.Append(text[++i]);
                    inWord = true;
                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }
        if (inWord) words.Add(word.ToString());
        if (words.Count == 0) throw new CliException("--command: give the program to run, e.g. --command \"python train.py --lr {lr}\"");
        return words;
    }

    /// <summary>Appends the inside of a "…" word starting at <paramref name="start"/>; returns the closing quote's index.</summary>
    private static int ReadDoubleQuoted(string text, int start, StringBuilder word)
    {
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"') return i;
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`')
                c = text[++i];
            word.Append(c);
        }
        throw Unterminated(text, "\"");
    }

    private static CliException Unterminated(string text, string quote) =>
        new($"--command {text}: a {quote} quote is not closed; close it or escape the quote with a backslash");
}
