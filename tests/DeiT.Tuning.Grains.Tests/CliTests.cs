using System.Text.Json;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>
/// The deit-tune commands as separate processes in a scratch folder (embedded silo, SQLite under ./.deit-tune/):
/// a search that runs to its budget, the read commands, ask/tell, and every error path with a clear message and a
/// non-zero exit that leaves the stored study as it was.
/// </summary>
public sealed class CliTests : IDisposable
{
    private readonly CliRunner _cli = new(Directory.CreateTempSubdirectory("deit-tune-cli-").FullName);
    private readonly Dictionary<string, string> _commands = new() { ["DEIT_TUNE_AllowExternalCommands"] = "true", ["DEIT_TUNE_Devices"] = "cpu:2x1" };

    [Fact]
    public void Search_then_reads_then_error_paths_leave_the_study_intact()
    {
        File.WriteAllText(Path.Combine(_cli.Folder, "space.yaml"), "parameters:\n  x: {type: float, low: 0.0, high: 1.0, default: 0.5}\n");
        File.WriteAllText(Path.Combine(_cli.Folder, "train.sh"),
            "for e in $(seq 1 $2); do echo \"epoch=$e top1=$(awk -v x=$1 -v e=$e -v n=$2 'BEGIN{print x*e/n}')\"; done\n");
        var search = _cli.Run(_commands, "search", "start", "--study", "s1", "--space", "space.yaml", "--trials", "4", "--parallel", "2",
            "--sampler", "random", "--epochs", "2", "--command", "/bin/sh train.sh {x} {epochs}", "--enqueue-defaults", "--enqueue", "{\"x\": 0.9}", "--json");
        Assert.True(search.ExitCode == 0, search.Stderr);
        using (var doc = JsonDocument.Parse(search.Stdout))
        {
            Assert.Equal("finished", doc.RootElement.GetProperty("status").GetProperty("state").GetString());
            Assert.Equal(4, doc.RootElement.GetProperty("status").GetProperty("trials").GetProperty("completed").GetInt32());
            var board = doc.RootElement.GetProperty("leaderboard").EnumerateArray().Select(t => t.GetProperty("value").GetDouble()).ToList();
            Assert.Equal(4, board.Count);
            Assert.Equal(board.OrderDescending(), board);
        }
        Assert.False(File.Exists(Path.Combine(_cli.Folder, ".deit-tune", "silo.json")), "the embedded silo's file outlived its process");
        using (var trials = JsonDocument.Parse(_cli.Run("trials", "--study", "s1", "--json").Stdout))
        {
            var x = trials.RootElement.GetProperty("trials").EnumerateArray().ToDictionary(t => t.GetProperty("number").GetInt32(), t => t.GetProperty("params").GetProperty("x").GetDouble());
            Assert.Equal((0.5, 0.9), (x[0], x[1])); // the space's default, then the enqueued configuration
        }
        AssertFails(_cli.Run("search", "start", "--study", "s9", "--space", "space.yaml", "--command", "/bin/true", "--enqueue", "{\"x\": 3}"), 2, "--enqueue {\"x\": 3}: parameter 'x': value 3 is outside");
        AssertFails(_cli.Run("search", "start", "--study", "s9", "--space", "space.yaml", "--command", "/bin/true", "--enqueue", "[1]"), 2, "write a JSON object");
        var before = _cli.Run("trials", "--study", "s1", "--json");
        Assert.Equal(0, before.ExitCode);

        AssertFails(_cli.Run("leaderboard", "--study", "nope"), 4, "--study nope: no such study in embedded silo in");
        AssertFails(_cli.Run("trials", "--study", "nope"), 4, "its studies: s1 (`deit-tune studies`)");
        AssertFails(_cli.Run("paper", "status", "--study", "S1x"), 4, "did you mean 's1'?");
        File.WriteAllText(Path.Combine(_cli.Folder, "bad.yaml"), "parameters:\n  x: {type: float, low: 2, high: 1}\n");
        AssertFails(_cli.Run("search", "start", "--study", "s1", "--space", "bad.yaml", "--command", "/bin/true"), 2, "--space bad.yaml: parameter 'x'");
        AssertFails(_cli.Run("search", "start", "--study", "s2", "--space", "missing.yaml", "--command", "/bin/true"), 2, "missing.yaml: no such file");
        AssertFails(_cli.Run("search", "start", "--study", "s2", "--space", "space.yaml", "--command", "/bin/true", "--sampler", "tpe:startup_trials=x"),
            2, "--sampler tpe:startup_trials=x: sampler setting 'startup_trials' is 'x'; give a whole number ≥ 0");
        AssertFails(_cli.Run(_commands, "search", "start", "--study", "s1", "--space", "space.yaml", "--trials", "9", "--command", "/bin/true"), 2, "already exists with other settings");
        AssertFails(_cli.Run(new Dictionary<string, string> { ["DEIT_TUNE_Devices"] = "none" }, "search", "start", "--study", "s3", "--space", "space.yaml", "--command", "/bin/true"),
            3, "no silo in the cluster offers a device");
        AssertFails(_cli.Run(new Dictionary<string, string> { ["DEIT_TUNE_Devices"] = "gpu:0" }, "trials", "--study", "s1"), 2, "configuration key Devices: unknown device 'gpu:0'");
        AssertFails(_cli.Run("--cluster", "127.0.0.1:1", "leaderboard", "--study", "s1"), 3, "cannot reach the cluster at 127.0.0.1:1");
        AssertFails(_cli.Run("plot", "history", "--study", "s1", "--out", "plot.txt"), 2, "--out plot.txt: plots are PNG files");

        var after = _cli.Run("trials", "--study", "s1", "--json");
        Assert.Equal(before.Stdout, after.Stdout);

        var csv = _cli.Run("export", "--study", "s1", "--format", "csv");
        Assert.Equal(5, csv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var tensorboard = _cli.Run("export", "--study", "s1", "--format", "tensorboard", "--out", "tb", "--json");
        Assert.True(tensorboard.ExitCode == 0, tensorboard.Stderr);
        using (var doc = JsonDocument.Parse(tensorboard.Stdout))
            Assert.Equal(4, doc.RootElement.GetProperty("runs").GetInt32());
        Assert.True(File.Exists(Path.Combine(_cli.Folder, "tb", "events.out.tfevents.0.deit-tune")));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(_cli.Folder, "tb"), "*tfevents*", SearchOption.AllDirectories).Length - 1);
        AssertFails(_cli.Run("export", "--study", "s1", "--format", "tensorboard"), 2, "--format tensorboard: give --out FOLDER");
        foreach (var plot in new[] { new[] { "curves" }, ["slice", "--param", "x"], ["history"], ["parallel"] })
        {
            var drawn = _cli.Run(["plot", .. plot, "--study", "s1", "--out", $"{plot[0]}.png"]);
            Assert.True(drawn.ExitCode == 0, drawn.Stderr);
            Assert.True(new FileInfo(Path.Combine(_cli.Folder, $"{plot[0]}.png")).Length > 1000);
        }
        AssertFails(_cli.Run("plot", "contour", "--study", "s1", "--out", "contour.png"), 4, "--study s1: a contour needs two parameters; the completed trials of study s1 have 1");
        AssertFails(_cli.Run("plot", "slice", "--study", "s1", "--param", "y", "--out", "slice.png"), 2,
            "--param y: no scored trial of study s1 has it; its parameters: x");
        var importance = _cli.Run("plot", "importance", "--study", "s1", "--out", "importance.png", "--json");
        Assert.True(importance.ExitCode == 0, importance.Stderr);
        Assert.True(new FileInfo(Path.Combine(_cli.Folder, "importance.png")).Length > 1000);
        using (var doc = JsonDocument.Parse(importance.Stdout))
        {
            var x = Assert.Single(doc.RootElement.GetProperty("importances").EnumerateArray());   // the space's only parameter
            Assert.Equal(("x", 1.0), (x.GetProperty("param").GetString(), x.GetProperty("importance").GetDouble()));
            Assert.InRange(x.GetProperty("main_effect").GetDouble(), 0.5, 1.0);   // the value is a function of x alone
        }
    }

    [Fact]
    public void A_gpu_this_build_cannot_use_stops_a_training_silo_but_not_reads_or_external_commands()
    {
        File.WriteAllText(Path.Combine(_cli.Folder, "space.yaml"), "parameters:\n  x: {type: float, low: 0.0, high: 1.0}\n");
        File.WriteAllText(Path.Combine(_cli.Folder, "train.sh"), "echo $DEIT_TUNE_DEVICE > device.txt; echo epoch=1 top1=$1\n");
        var cuda = new Dictionary<string, string> { ["DEIT_TUNE_Devices"] = "cuda:0" };
        AssertFails(_cli.Run(cuda, "search", "start", "--study", "g1", "--space", "space.yaml", "--trials", "1", "--epochs", "1"),
            2, "configuration key Devices: cuda:0: CUDA is not available in this build");
        Assert.Equal(0, _cli.Run(cuda, "studies").ExitCode); // nothing was stored, and a read does not check devices
        AssertFails(_cli.Run("trials", "--study", "g1"), 4, "none exists there yet");

        var commands = new Dictionary<string, string>(cuda) { ["DEIT_TUNE_AllowExternalCommands"] = "true" };
        var search = _cli.Run(commands, "search", "start", "--study", "g2", "--space", "space.yaml", "--trials", "1", "--epochs", "1",
            "--command", "/bin/sh train.sh {x}");
        Assert.True(search.ExitCode == 0, search.Stderr);
        Assert.Contains("warning: Devices: cuda:0: CUDA is not available in this build", search.Stderr);
        Assert.Equal("cuda:0", File.ReadAllText(Path.Combine(_cli.Folder, "device.txt")).Trim()); // a command may bring its own CUDA
    }

    [Fact]
    public void A_port_another_process_holds_is_named_and_nothing_starts()
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var key in new[] { "SiloPort", "GatewayPort" })
            AssertFails(_cli.Run(new Dictionary<string, string> { ["DEIT_TUNE_" + key] = port }, "studies"), 2,
                $"configuration key {key}: port {port} is in use by another process on this host: give a free port");
        Assert.Equal(0, _cli.Run("studies").ExitCode); // ports picked afresh
    }

    [Fact]
    public void A_contour_over_two_parameters_defaults_to_the_two_fanova_ranks_highest()
    {
        File.WriteAllText(Path.Combine(_cli.Folder, "space.yaml"),
            "parameters:\n  lr: {type: float, low: 1.0e-4, high: 1.0e-1, log: true}\n  opt: {type: categorical, choices: [adamw, sgd]}\n  z: {type: float, low: 0, high: 1}\n");
        File.WriteAllText(Path.Combine(_cli.Folder, "train.sh"), "awk -v lr=$1 -v o=$2 -v z=$3 'BEGIN{print \"epoch=1 top1=\" (log(lr) + (o==\"sgd\") + z/100)}'\n");
        var search = _cli.Run(_commands, "search", "start", "--study", "c1", "--space", "space.yaml", "--trials", "8", "--parallel", "2",
            "--sampler", "random", "--epochs", "1", "--command", "/bin/sh train.sh {lr} {opt} {z}");
        Assert.True(search.ExitCode == 0, search.Stderr);

        var contour = _cli.Run("plot", "contour", "--study", "c1", "--out", "contour.png", "--json");
        Assert.True(contour.ExitCode == 0, contour.Stderr);
        using (var importance = JsonDocument.Parse(_cli.Run("plot", "importance", "--study", "c1", "--out", "importance.png", "--json").Stdout))
        using (var doc = JsonDocument.Parse(contour.Stdout))
            Assert.Equal(importance.RootElement.GetProperty("importances").EnumerateArray().Take(2).Select(p => p.GetProperty("param").GetString()),
                doc.RootElement.GetProperty("params").EnumerateArray().Select(p => p.GetString()));
        Assert.True(new FileInfo(Path.Combine(_cli.Folder, "contour.png")).Length > 1000);
        Assert.Equal(0, _cli.Run("plot", "contour", "--study", "c1", "--params", "z,lr", "--out", "zlr.png").ExitCode);
        AssertFails(_cli.Run("plot", "contour", "--study", "c1", "--params", "lr", "--out", "c.png"), 2, "--params lr: give two different parameters");
        AssertFails(_cli.Run("plot", "contour", "--study", "c1", "--params", "lr,wd", "--out", "c.png"), 2, "no completed trial of study c1 has 'wd'; its parameters: lr, opt, z");
        var edf = _cli.Run("plot", "edf", "--study", "c1", "--out", "edf.png", "--json"); // one study, or several comma-separated
        Assert.True(edf.ExitCode == 0, edf.Stderr);
        using (var doc = JsonDocument.Parse(edf.Stdout))
        {
            var line = Assert.Single(doc.RootElement.GetProperty("lines").EnumerateArray());
            Assert.Equal(8, line.GetProperty("completed").GetInt32());
            Assert.Equal(1.0, line.GetProperty("y").EnumerateArray().Last().GetDouble());
            Assert.Equal(100, doc.RootElement.GetProperty("x").GetArrayLength());
        }
        AssertFails(_cli.Run("plot", "edf", "--study", "c1,c9", "--out", "edf.png"), 4, "--study c9: no such study");
    }

    [Fact]
    public void A_study_ends_early_at_its_target_or_on_a_plateau()
    {
        File.WriteAllText(Path.Combine(_cli.Folder, "space.yaml"), "parameters:\n  x: {type: float, low: 0.0, high: 1.0}\n");
        File.WriteAllText(Path.Combine(_cli.Folder, "train.sh"), "echo epoch=1 top1=$1\n");
        string[] Search(string study, params string[] extra) => ["search", "start", "--study", study, "--space", "space.yaml", "--trials", "12",
            "--sampler", "random", "--epochs", "1", "--command", "/bin/sh train.sh {x}", "--json", .. extra];

        var target = _cli.Run(_commands, Search("t1", "--stop-at", "0.9", "--enqueue", "{\"x\": 0.3}", "--enqueue", "{\"x\": 0.95}"));
        Assert.True(target.ExitCode == 0, target.Stderr);
        using (var doc = JsonDocument.Parse(target.Stdout))
        {
            var status = doc.RootElement.GetProperty("status");
            Assert.Equal("target top1 ≥ 0.9 reached by trial 1 (0.95)", status.GetProperty("stop_reason").GetString());
            Assert.Equal(2, status.GetProperty("trials").GetProperty("completed").GetInt32());
        }

        var plateau = _cli.Run(_commands, Search("p1", "--patience", "2", "--enqueue", "{\"x\": 0.9}", "--enqueue", "{\"x\": 0.1}", "--enqueue", "{\"x\": 0.2}"));
        Assert.True(plateau.ExitCode == 0, plateau.Stderr);
        using (var doc = JsonDocument.Parse(plateau.Stdout))
        {
            Assert.Equal("no better top1 in 2 finished trials since trial 0 (0.9)", doc.RootElement.GetProperty("status").GetProperty("stop_reason").GetString());
            Assert.Equal(3, doc.RootElement.GetProperty("status").GetProperty("trials").GetProperty("completed").GetInt32());
        }
        Assert.Contains("ends early after 2 trials in a row without a new best", _cli.Run("search", "status", "--study", "p1").Stdout);
        var resumed = _cli.Run(_commands, "search", "resume", "--study", "p1", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("study p1 has finished (no better top1 in 2 finished trials since trial 0 (0.9)), so there is nothing to resume: `deit-tune search extend --study p1`", resumed.Stderr);
        using (var doc = JsonDocument.Parse(resumed.Stdout))
            Assert.Equal(3, doc.RootElement.GetProperty("status").GetProperty("trials").GetProperty("completed").GetInt32());
        AssertFails(_cli.Run(_commands, "search", "extend", "--study", "p1", "--patience", "2"), 2, "the patience can only be raised: the study has 2 trials");
        AssertFails(_cli.Run(_commands, "search", "extend", "--study", "p1", "--stop-at", "0.5"), 2, "the study has no target to move");
        var extended = _cli.Run(_commands, "search", "extend", "--study", "p1", "--patience", "4", "--json");
        Assert.True(extended.ExitCode == 0, extended.Stderr);
        using (var doc = JsonDocument.Parse(extended.Stdout))
        {
            var status = doc.RootElement.GetProperty("status");
            Assert.InRange(status.GetProperty("trials").GetProperty("completed").GetInt32(), 4, 12); // it ran on past its old plateau
            Assert.Equal(4, status.GetProperty("patience").GetInt32());
        }
        AssertFails(_cli.Run(Search("p2", "--patience", "0")), 2, "--patience 0: must be at least 1 trial");
    }

    [Fact]
    public void A_trial_shows_its_epochs_and_the_end_of_its_log()
    {
        File.WriteAllText(Path.Combine(_cli.Folder, "space.yaml"), "parameters:\n  x: {type: float, low: 0.0, high: 1.0}\n");
        File.WriteAllText(Path.Combine(_cli.Folder, "train.sh"), "echo noise; echo \"warn: $1\" >&2; echo epoch=1 top1=$1; exit 3\n");
        var search = _cli.Run(_commands, "search", "start", "--study", "l1", "--space", "space.yaml", "--trials", "1", "--epochs", "2",
            "--command", "/bin/sh train.sh {x}", "--enqueue", "{\"x\": 0.7}");
        Assert.True(search.ExitCode == 0, search.Stderr);

        var shown = _cli.Run("trials", "--study", "l1", "--trial", "0", "--json");
        Assert.True(shown.ExitCode == 0, shown.Stderr);
        using (var doc = JsonDocument.Parse(shown.Stdout))
        {
            Assert.Equal("failed", doc.RootElement.GetProperty("trial").GetProperty("state").GetString());
            var lines = doc.RootElement.GetProperty("log").GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToList();
            Assert.StartsWith("== attempt 1 on ", lines[0]);
            Assert.EndsWith("/bin/sh train.sh 0.7", lines[0]);
            Assert.Equal(["noise", "warn: 0.7"], lines.Skip(1).Order(StringComparer.Ordinal)); // two pipes: their order between them is the OS's
        }
        var text = _cli.Run("trials", "--study", "l1", "--trial", "0", "--log-lines", "1");
        Assert.Contains("reason: command exited with code 3 at epoch 2: warn: 0.7", text.Stdout);
        Assert.Contains("last 1 lines", text.Stdout);
        AssertFails(_cli.Run("trials", "--study", "l1", "--trial", "4"), 2, "--trial 4: study l1 has trials 0 to 0");
    }

    [Fact]
    public void Ask_and_tell_from_the_command_line()
    {
        File.WriteAllText(Path.Combine(_cli.Folder, "space.yaml"), "parameters:\n  x: {type: float, low: 0.0, high: 1.0}\n");
        AssertFails(_cli.Run("study", "ask", "--study", "at"), 4, "give --space FILE");
        AssertFails(_cli.Run("study", "ask", "--study", "at", "--space", "space.yaml", "--sampler", "gp:prior_weight=2"),
            2, "--sampler gp:prior_weight=2: sampler 'gp' has no setting 'prior_weight'");
        AssertFails(_cli.Run("study", "ask", "--study", "at"), 4, "give --space FILE"); // nothing was created
        var ask = _cli.Run("study", "ask", "--study", "at", "--space", "space.yaml", "--json");
        Assert.True(ask.ExitCode == 0, ask.Stderr);
        using var asked = JsonDocument.Parse(ask.Stdout);
        Assert.Equal(0, asked.RootElement.GetProperty("number").GetInt32());
        Assert.InRange(asked.RootElement.GetProperty("params").GetProperty("x").GetDouble(), 0, 1);

        Assert.Equal(0, _cli.Run("study", "tell", "--study", "at", "--trial", "0", "--value", "0.5").ExitCode);
        AssertFails(_cli.Run("plot", "curves", "--study", "at", "--out", "curves.png"), 4, "no trial has reported an epoch");
        AssertFails(_cli.Run("plot", "importance", "--study", "at", "--out", "importance.png"), 4,
            "--study at: fANOVA needs at least 2 completed trials whose parameters fit the study's space and whose values differ; it has 1 completed");
        AssertFails(_cli.Run("study", "tell", "--study", "at", "--trial", "0", "--value", "0.7"), 2, "trial 0 was already told (completed, value 0.5)");
        AssertFails(_cli.Run("search", "resume", "--study", "at"), 2, "study at is an ask-and-tell study, with nothing to resume: `deit-tune study ask --study at`");
        Assert.Equal(0, _cli.Run("export", "--study", "at", "--out", Path.Combine("new", "folder", "at.csv")).ExitCode); // folders made as needed
        Assert.StartsWith("number,", File.ReadAllText(Path.Combine(_cli.Folder, "new", "folder", "at.csv")));
        AssertFails(_cli.Run("study", "tell", "--study", "at", "--trial", "5", "--value", "0.7"), 2, "has no trial 5");
        var board = _cli.Run("leaderboard", "--study", "at", "--json");
        using var doc = JsonDocument.Parse(board.Stdout);
        Assert.Equal(0.5, doc.RootElement.GetProperty("trials")[0].GetProperty("value").GetDouble());
    }

    [Fact]
    public void A_deit_search_keeps_best_weights_that_export_and_eval_reproduce_then_the_study_is_deleted()
    {
        var data = new[] { "--train-limit", "128", "--val-limit", "64", "--test-limit", "64" };
        var search = _cli.Run(_commands, ["search", "start", "--study", "d1", "--trials", "2", "--parallel", "2", "--sampler", "random",
            "--epochs", "2", "--batch-size", "32", .. data, "--json"]);
        Assert.True(search.ExitCode == 0, search.Stderr);
        Assert.Contains("'warmup_epochs' [0, 20] capped to [0, 1]", search.Stderr); // the default space, fitted to 2-epoch trials

        var export = _cli.Run("best", "export", "--study", "d1", "--out", "model.safetensors", "--json");
        Assert.True(export.ExitCode == 0, export.Stderr);
        using var exported = JsonDocument.Parse(export.Stdout);
        var value = exported.RootElement.GetProperty("value").GetDouble();
        var testTop1 = exported.RootElement.GetProperty("metrics").GetProperty("test_top1").GetDouble(); // scored when the trial completed
        Assert.True(File.Exists(Path.Combine(_cli.Folder, "model.json")), "the model card goes beside the weights");

        var eval = _cli.Run(["eval", "--weights", "model.safetensors", "--split", "val", .. data, "--threads", "1", "--json"]);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        using var evaluated = JsonDocument.Parse(eval.Stdout);
        Assert.Equal(value, evaluated.RootElement.GetProperty("top1").GetDouble()); // the best epoch's weights, not the last's
        eval = _cli.Run(["eval", "--weights", "model.safetensors", "--split", "test", .. data, "--threads", "1", "--json"]);
        using (var onTest = JsonDocument.Parse(eval.Stdout))
            Assert.Equal(testTop1, onTest.RootElement.GetProperty("top1").GetDouble());

        var studies = _cli.Run("studies", "--json");
        using var listed = JsonDocument.Parse(studies.Stdout);
        var d1 = Assert.Single(listed.RootElement.GetProperty("studies").EnumerateArray());
        Assert.Equal("finished", d1.GetProperty("state").GetString());
        Assert.Equal(value, d1.GetProperty("best_value").GetDouble());
        AssertFails(_cli.Run("best", "export", "--study", "d1", "--trial", "7", "--out", "x.safetensors"), 2, "--trial 7: study d1 has no such trial");
        using (var shown = JsonDocument.Parse(_cli.Run("trials", "--study", "d1", "--trial", "0", "--json").Stdout))
            Assert.Contains(shown.RootElement.GetProperty("log").GetProperty("lines").EnumerateArray(), l => l.GetString()!.StartsWith("epoch 2: val top1 ", StringComparison.Ordinal));

        AssertFails(_cli.Run("search", "delete", "--study", "d1"), 2, "add --yes to confirm");
        Assert.Equal(0, _cli.Run("search", "delete", "--study", "d1", "--yes").ExitCode);
        Assert.False(Directory.Exists(Path.Combine(_cli.Folder, ".deit-tune", "checkpoints", "d1")));
        using var afterDelete = JsonDocument.Parse(_cli.Run("studies", "--json").Stdout);
        Assert.Empty(afterDelete.RootElement.GetProperty("studies").EnumerateArray());
    }

    [Fact]
    public void The_paper_study_trains_its_teachers_first_and_reports_every_table_from_the_studys_trials()
    {
        var sizes = new[] { "--train-limit", "96", "--val-limit", "48", "--test-limit", "48", "--epochs", "1", "--teacher-epochs", "2", "--search-trials", "2" };
        var run = _cli.Run(new Dictionary<string, string> { ["DEIT_TUNE_Devices"] = "cpu:2x1" }, TimeSpan.FromMinutes(12),
            ["paper", "start", "--study", "p1", .. sizes, "--report", "report", "--json"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        using (var doc = JsonDocument.Parse(run.Stdout))
        {
            var status = doc.RootElement.GetProperty("status");
            Assert.Equal("finished", status.GetProperty("state").GetString());
            Assert.Equal(status.GetProperty("trial_budget").GetInt32(), status.GetProperty("trials").GetProperty("completed").GetInt32());
        }
        Assert.Contains("wrote report.md", run.Stderr); // --json keeps stdout to one document

        var teachers = Directory.GetDirectories(Path.Combine(_cli.Folder, ".deit-tune", "checkpoints", "teachers")).Select(Path.GetFileName).ToList();
        Assert.Equal(2, teachers.Count); // the ConvNet and the DeiT teacher, kept for later studies
        Assert.All(teachers, t => Assert.True(File.Exists(Path.Combine(_cli.Folder, ".deit-tune", "checkpoints", "teachers", t!, "best.safetensors"))));

        var report = _cli.Run("paper", "report", "--study", "p1", "--out", "again", "--json");
        Assert.True(report.ExitCode == 0, report.Stderr);
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(_cli.Folder, "again", "report.json")));
        var rows = written.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["ablation", "distillation", "teacher", "heads", "disagreement", "search"],
            rows.Select(r => r.GetProperty("table").GetString()).Distinct());
        foreach (var row in rows.Where(r => r.GetProperty("table").GetString() is "ablation" or "distillation" or "heads"))
        {
            Assert.Equal(2, row.GetProperty("seeds").GetInt32());
            Assert.InRange(row.GetProperty("top1_mean").GetDouble(), 0, 100);
        }
        Assert.All(rows.Where(r => r.GetProperty("table").GetString() == "disagreement"),
            r => Assert.InRange(r.GetProperty("disagreement_mean").GetDouble(), 0, 100));
        var sgd = rows.Single(r => r.GetProperty("config").GetString() == "sgd");
        Assert.Equal(74.5 - 81.8, sgd.GetProperty("paper").GetProperty("size").GetDouble(), 6);
        Assert.True(File.Exists(Path.Combine(_cli.Folder, "again", "figures", "ablation.png")));
        Assert.Contains("Distillation from the ConvNet ranked", File.ReadAllText(Path.Combine(_cli.Folder, "again", "report.md")));

        var status2 = _cli.Run("paper", "status", "--study", "p1", "--json");
        Assert.True(status2.ExitCode == 0, status2.Stderr);
        AssertFails(_cli.Run("paper", "report", "--study", "nope", "--out", "x"), 4, "--study nope: no such study");
    }

    private static void AssertFails(CliRunner.Result result, int exitCode, string message)
    {
        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}, stderr: {result.Stderr}");
        Assert.Contains(message, result.Stderr);
        Assert.Empty(result.Stdout.Trim());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_cli.Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
