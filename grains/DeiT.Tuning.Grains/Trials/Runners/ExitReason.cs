namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>
/// A child's non-zero exit as a trial reason. .NET reports a child ended by signal N as exit code 128+N (and setpriv
/// execs the command, so its status is the child's own): "worker killed by signal 9 (out of memory?) at epoch 3".
/// </summary>
public static class ExitReason
{
    public static string Describe(string what, int exitCode, int epochsReported, string stderrTail)
    {
        var at = $" at epoch {epochsReported + 1}";
        var how = exitCode is > 128 and < 128 + 65
            ? (exitCode - 128) switch
            {
                9 => "killed by signal 9 (out of memory?)",
                6 => "aborted (signal 6)",
                11 => "crashed with a segmentation fault (signal 11)",
                15 => "terminated (signal 15)",
                var signal => $"killed by signal {signal}",
            }
            : $"exited with code {exitCode}";
        return $"{what} {how}{at}{(stderrTail.Length > 0 ? ": " + stderrTail : "")}";
    }
}
