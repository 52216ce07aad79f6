using DeiT.Tuning.Cli.Commands.Search;
using DeiT.Tuning.Cli.Infrastructure;

namespace DeiT.Tuning.Cli.Tests.Commands;

public sealed class CommandWordsTests
{
    [Theory]
    [InlineData("python train.py --lr {lr}", new[] { "python", "train.py", "--lr", "{lr}" })]
    [InlineData("  python   train.py  ", new[] { "python", "train.py" })]
    [InlineData("sh -c 'echo epoch=1 top1=$0' {x}", new[] { "sh", "-c", "echo epoch=1 top1=$0", "{x}" })]
    [InlineData("python \"my train.py\" --out \"{checkpoint_dir}\"", new[] { "python", "my train.py", "--out", "{checkpoint_dir}" })]
    [InlineData("echo \"say \\\"hi\\\" \\n\"", new[] { "echo", "say \"hi\" \\n" })]
    [InlineData("run my\\ file.py a''b \"\"", new[] { "run", "my file.py", "ab", "" })]
    public void Splits_as_a_shell_would_without_expanding(string text, string[] expected) =>
        Assert.Equal(expected, CommandWords.Split(text));

    [Theory]
    [InlineData("python 'train.py", "' quote is not closed")]
    [InlineData("python \"train.py", "\" quote is not closed")]
    [InlineData("python train.py \\", "lone backslash")]
    [InlineData("   ", "give the program to run")]
    public void Malformed_commands_name_the_option_and_the_fix(string text, string message)
    {
        var error = Assert.Throws<CliException>(() => CommandWords.Split(text));
        Assert.StartsWith("--command", error.Message);
        Assert.Contains(message, error.Message);
    }
}
