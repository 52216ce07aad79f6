namespace DeiT.Tuning.Cli.Infrastructure;

/// <summary>A user-facing error: its message names the field and the fix; the process exits with <see cref="ExitCode"/>.</summary>
public sealed class CliException(string message, int exitCode = 2) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
