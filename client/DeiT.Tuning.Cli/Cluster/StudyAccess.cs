using System.CommandLine;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Cli.Infrastructure;

namespace DeiT.Tuning.Cli.Cluster;

/// <summary>The --study option and the lookups every study command shares.</summary>
public static class StudyAccess
{
    public static Option<string> StudyOption() => new("--study") { Description = "Study name", Required = true };

    public static async Task<StudySnapshot> RequireSnapshot(TuningConnection connection, string study)
    {
        try
        {
            StudyNames.Validate(study);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--study: {e.Message}");
        }
        return await connection.Client.GetGrain<IStudyGrain>(study).GetSnapshot()
            ?? throw new CliException($"--study {study}: no such study in {connection.Where}; " +
                                      StudyNameHint.For(study, await connection.Client.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).List()), 4);
    }

    /// <summary>--checkpoint-root for commands that read trials' files: there first, else from the silo that ran the trial.</summary>
    public static Option<string?> CheckpointRootOption(string holds) => new("--checkpoint-root")
    {
        Description = $"The silos' CheckpointRoot on this machine, {holds} (default: DEIT_TUNE_CheckpointRoot, else ./.deit-tune/checkpoints " +
                      "of the folder's embedded silo); a trial's file that is not there is read from the silo that ran the trial",
    };

    /// <summary>Reads trials' files from the checkpoint root given (or the default), else from the silos that ran them.</summary>
    public static TrialFileReader TrialFiles(TuningConnection connection, string? checkpointRoot) =>
        new(connection.Client, CheckpointRoot(checkpointRoot));

    /// <summary>The checkpoint root given, else the silos' setting from the environment, else the embedded silo's.</summary>
    public static string CheckpointRoot(string? given) =>
        given ?? Environment.GetEnvironmentVariable("DEIT_TUNE_CheckpointRoot") ?? Path.Combine(EmbeddedSiloFile.Folder, "checkpoints");

    /// <summary>Opens the connection for a command that only reads or changes a study's record.</summary>
    public static Task<TuningConnection> OpenForReading(ParseResult result, CancellationToken cancellationToken) =>
        TuningConnection.OpenAsync(result.GetValue(GlobalOptions.Cluster), keepStudiesRunning: false, cancellationToken);
}
