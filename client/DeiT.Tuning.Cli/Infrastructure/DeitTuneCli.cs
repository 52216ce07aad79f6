using System.CommandLine;
using DeiT.Tuning.Silo.Hosting;
using Spectre.Console;

namespace DeiT.Tuning.Cli.Infrastructure;

/// <summary>The `deit-tune` root command: one folder per command under Commands/, each adding itself here.</summary>
public static class DeitTuneCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("deit-tune: find the best DeiT training recipe for a dataset on a cluster of GPU hosts");
        root.Options.Add(GlobalOptions.Json);
        root.Options.Add(GlobalOptions.Cluster);
        // Commands register here, one line each, from their folders under Commands/.
        root.Subcommands.Add(Commands.Train.TrainCommand.Create());
        root.Subcommands.Add(Commands.Teacher.TeacherCommand.Create());
        root.Subcommands.Add(Commands.Eval.EvalCommand.Create());
        root.Subcommands.Add(Commands.Bench.BenchCommand.Create());
        root.Subcommands.Add(Commands.Search.SearchCommand.Create());
        root.Subcommands.Add(Commands.Studies.StudiesCommand.Create());
        root.Subcommands.Add(Commands.Leaderboard.LeaderboardCommand.Create());
        root.Subcommands.Add(Commands.Trials.TrialsCommand.Create());
        root.Subcommands.Add(Commands.Export.ExportCommand.Create());
        root.Subcommands.Add(Commands.Best.BestCommand.Create());
        root.Subcommands.Add(Commands.Plot.PlotCommand.Create());
        root.Subcommands.Add(Commands.Study.StudyCommand.Create());
        root.Subcommands.Add(Commands.Paper.PaperCommand.Create());
        root.Subcommands.Add(Commands.Silo.SiloCommand.Create());
        root.Subcommands.Add(Commands.Dashboard.DashboardCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        WidenRedirectedOutput();
        try
        {
            var parsed = Build().Parse(args);
            if (ParseErrors.Report(parsed, Console.Error)) return ParseErrors.ExitCode;
            return await parsed.InvokeAsync(config, cancellationToken);
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (SiloConfigurationException e)
        {
            // The silo's settings, read by a command that starts or checks one: the message names the key.
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (InvalidDataException e)
        {
            // A file given that is not what the command needs (weights of another model, a corrupt dataset file).
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file the command reads or writes (a full disk, a folder without write permission): the OS's reason names it.
            Console.Error.WriteLine($"error: {e.Message}");
            return 3;
        }
    }

    /// <summary>
    /// Tables written to a file or pipe would wrap at Spectre's 80-column fallback; they get the width COLUMNS names,
    /// or one wide enough for a trial's parameters on one line.
    /// </summary>
    private static void WidenRedirectedOutput()
    {
        if (!Console.IsOutputRedirected) return;
        AnsiConsole.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0 ? columns : RedirectedWidth;
    }

    private const int RedirectedWidth = 240;
}
