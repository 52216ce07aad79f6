using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Dashboard.Api;

/// <summary>The end of a trial's log file; <see cref="Missing"/> says why there are no lines.</summary>
public sealed record TrialLogDocument(string? Path, IReadOnlyList<string>? Lines, string? Missing);

/// <summary>Reads the last lines of a trial's log (trial.log in its folder), which its silo may still be writing:
/// from this machine's CheckpointRoot when that holds it, else from the silo that ran the trial.</summary>
public static class TrialLogTail
{
    private const string AskTellHasNone = "an ask-and-tell trial runs outside the cluster and has no log";

    /// <summary>The last <paramref name="lines"/> of the log; <paramref name="missing"/> says why there is none when
    /// neither this machine nor the trial's silo has it (an ask-and-tell trial never has one).</summary>
    public static async Task<TrialLogDocument> Read(TrialFileReader files, string study, TrialRecord trial, int lines, string missing)
    {
        if (trial.External) return new TrialLogDocument(null, null, AskTellHasNone);
        var log = await files.Tail(study, trial, TrialFolder.Log, lines);
        return new TrialLogDocument(log.Source, log.Lines, log.Lines is null ? log.Unreachable ?? missing : null);
    }
}
