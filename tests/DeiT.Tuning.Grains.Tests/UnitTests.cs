using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Devices;
using DeiT.Tuning.Grains.Storage;
using DeiT.Tuning.Grains.Trials;
using DeiT.Tuning.Grains.Trials.Runners;
using DeiT.Tuning.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace DeiT.Tuning.Grains.Tests;

public sealed class UnitTests
{
    [Fact]
    public async Task Sqlite_storage_round_trips_state_and_refuses_a_stale_etag()
    {
        var folder = Directory.CreateTempSubdirectory("deit-tune-sqlite-").FullName;
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var storage = new SqliteGrainStorage(Path.Combine(folder, "state.db"), serializer);
        var id = GrainId.Create("study", "s1");
        var record = new TrialRecord { Number = 3, Params = new Dictionary<string, ParamSetting> { ["lr"] = new(1e-3, null) }, Value = 0.5 };

        var first = new GrainState<TrialRecord>(record);
        await storage.WriteStateAsync("t", id, first);
        var read = new GrainState<TrialRecord>();
        await storage.ReadStateAsync("t", id, read);
        Assert.True(read.RecordExists);
        Assert.Equal(3, read.State!.Number);
        Assert.Equal(1e-3, read.State.Params["lr"].Number);

        await storage.WriteStateAsync("t", id, new GrainState<TrialRecord>(record with { Value = 0.6 }) { ETag = read.ETag });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("t", id, read)); // stale ETag
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("t", id, new GrainState<TrialRecord>(record))); // no ETag, row exists
        var latest = new GrainState<TrialRecord>();
        await storage.ReadStateAsync("t", id, latest);
        Assert.Equal(0.6, latest.State!.Value);
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData("cpu:2x1", "cpu:0/1,cpu:1/1")]
    [InlineData("cpu", "cpu:0/1")]
    [InlineData("cuda:0,cuda:1", "cuda:0/0,cuda:1/0")]
    [InlineData("cpu:1x4,cuda:0", "cpu:0/4,cuda:0/0")]
    [InlineData("none", "")]
    public void Device_lists_parse(string text, string expected) =>
        Assert.Equal(expected, string.Join(",", DeviceList.Parse(text).Select(d => $"{d.Device}/{d.Threads}")));

    [Theory]
    [InlineData("gpu:0")]
    [InlineData("cpu:0x1")]
    [InlineData("cpu:2")]
    [InlineData("cuda:0,cuda:0")]
    public void Bad_device_lists_are_refused(string text) => Assert.Throws<FormatException>(() => DeviceList.Parse(text));

    [Fact]
    public void Epoch_lines_parse_including_nan_and_skip_other_lines()
    {
        Assert.True(EpochLineParser.TryParse("epoch=3 top1=0.81 loss=0.5 ips=120", out var m));
        Assert.Equal((3, 0.81, 0.5, 120.0), (m.Epoch, m.Top1, m.Loss, m.ImagesPerSecond));
        Assert.True(EpochLineParser.TryParse("epoch=2 top1=nan", out var nan));
        Assert.True(double.IsNaN(nan.Top1));
        Assert.False(EpochLineParser.TryParse("loading data...", out _));
        Assert.False(EpochLineParser.TryParse("epoch=0 top1=1", out _));
    }

    [Fact]
    public void Epoch_journal_writes_a_report_once_keeps_the_latest_per_epoch_and_skips_a_torn_line()
    {
        var folder = Directory.CreateTempSubdirectory("deit-journal-").FullName;
        try
        {
            var journal = new EpochJournal(folder);
            var first = new EpochMetrics { Epoch = 1, Top1 = 0.25 };
            journal.Append(first);
            journal.Append(first with { }); // the runner saw it, then the trial reported it
            journal.Append(new EpochMetrics { Epoch = 2, Top1 = double.NaN });
            journal.Append(new EpochMetrics { Epoch = 1, Top1 = 0.5 }); // epoch 1 redone by a later attempt
            Assert.Equal(3, File.ReadAllLines(journal.Path).Length);
            File.AppendAllText(journal.Path, "{\"Epoch\":3,\"To"); // the process died mid-write

            var read = new EpochJournal(folder).Read();
            Assert.Equal([1, 2], read.Select(m => m.Epoch));
            Assert.Equal(0.5, read[0].Top1);
            Assert.True(double.IsNaN(read[1].Top1));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Command_templates_fill_parameters_and_refuse_unknown_placeholders()
    {
        var values = new Dictionary<string, string> { ["lr"] = "0.001", ["epochs"] = "5" };
        Assert.Equal(["train", "--lr=0.001", "5"], CommandLineTemplate.Expand(["train", "--lr={lr}", "{epochs}"], values));
        var e = Assert.Throws<ArgumentException>(() => CommandLineTemplate.Expand(["train", "{wd}"], values));
        Assert.Contains("{wd}", e.Message);
    }

    [Fact]
    public void Checkpoint_folders_stay_under_the_root()
    {
        Assert.Equal(Path.GetFullPath("/ckpt/s1/trial-0007"), CheckpointPaths.For("/ckpt", "s1", 7));
        Assert.Throws<ArgumentException>(() => CheckpointPaths.For("/ckpt", "..", 1));
        Assert.Throws<ArgumentException>(() => CheckpointPaths.For("/ckpt", "../etc", 1));
        Assert.Throws<ArgumentException>(() => CheckpointPaths.For("/ckpt", "/etc", 1));
        Assert.Equal(Path.GetFullPath("/ckpt/teachers/t1/best.safetensors"), CheckpointPaths.Inside("/ckpt", "teachers/t1/best.safetensors"));
        Assert.Throws<ArgumentException>(() => CheckpointPaths.Inside("/ckpt", "../etc/passwd"));
    }

    [Fact]
    public void Recipe_parameters_map_onto_the_deit_recipe()
    {
        var recipe = RecipeParameters.Apply(new Training.Engine.DeitRecipe(), new Dictionary<string, ParamSetting>
        {
            ["lr"] = new(2e-3, null), ["warmup_epochs"] = new(3, null), ["distillation"] = new(double.NaN, "soft"), ["drop_path"] = new(0.2, null),
        });
        Assert.Equal((2e-3, 3, Training.Engine.DistillationType.Soft, 0.2), (recipe.BaseLr, recipe.WarmupEpochs, recipe.Distillation, recipe.DropPath));
        Assert.Throws<ArgumentException>(() => RecipeParameters.Apply(new Training.Engine.DeitRecipe(), new Dictionary<string, ParamSetting> { ["momentum"] = new(0.9, null) }));

        // The paper study's ablation rows set these too.
        recipe = RecipeParameters.Apply(new Training.Engine.DeitRecipe(), new Dictionary<string, ParamSetting>
        {
            ["optimizer"] = new(0, "sgd"), ["augmentation"] = new(0, "autoaugment"), ["ema_decay"] = new(0.99, null),
            ["repeated_augmentation"] = new(1, null), ["batch_size"] = new(32, null),
        });
        Assert.Equal((Training.Engine.OptimizerKind.Sgd, Training.Engine.AugmentationPolicy.AutoAugment, (double?)0.99, 1, 32),
            (recipe.Optimizer, recipe.Augmentation, recipe.EmaDecay, recipe.RepeatedAugmentation, recipe.BatchSize));
        Assert.Contains("must be adamw or sgd", Assert.Throws<ArgumentException>(() => RecipeParameters.Apply(new Training.Engine.DeitRecipe(),
            new Dictionary<string, ParamSetting> { ["optimizer"] = new(0, "lamb") })).Message);
    }

    [Theory]
    [InlineData("Clustering", "etcd", "configuration key Clustering")]
    [InlineData("SiloPort", "70000", "configuration key SiloPort")]
    [InlineData("AllowExternalCommands", "maybe", "configuration key AllowExternalCommands")]
    [InlineData("Devices", "tpu:0", "configuration key Devices")]
    public void Bad_silo_configuration_names_the_key(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var e = Assert.Throws<SiloConfigurationException>(() => SiloSettings.From(configuration));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public async Task A_silo_checks_its_cuda_devices_through_a_worker_before_offering_them()
    {
        var log = new StringWriter();
        await SiloDeviceCheck.VerifyAsync(new SiloSettings { Devices = DeviceList.Parse("cpu:2x1") }, log, CancellationToken.None);
        Assert.Empty(log.ToString()); // CPU slots need no check (and start no process)

        var gpus = new SiloSettings { Devices = DeviceList.Parse("cpu:1x1,cuda:0,cuda:1") };
        var e = await Assert.ThrowsAsync<SiloConfigurationException>(() => SiloDeviceCheck.VerifyAsync(gpus, log, CancellationToken.None));
        Assert.Equal("Devices", e.Key);
        Assert.Contains("cuda:0: CUDA is not available in this build", e.Message); // this build is libtorch-cpu
        Assert.Contains("cuda:1: CUDA is not available in this build", e.Message);

        await SiloDeviceCheck.VerifyAsync(gpus with { AllowExternalCommands = true }, log, CancellationToken.None);
        Assert.StartsWith("warning: Devices: cuda:0: CUDA is not available", log.ToString());
    }

    [Fact]
    public void Redis_clustering_needs_a_connection_string()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Clustering"] = "redis" }).Build();
        Assert.Equal("ClusteringConnectionString", Assert.Throws<SiloConfigurationException>(() => SiloSettings.From(configuration)).Key);
    }
}
