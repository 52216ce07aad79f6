using System.Text.Json;

namespace DeiT.Tuning.Cli.Tests.Commands;

/// <summary>`bench loader` on a small ImageFolder of real JPEGs (the crop fixtures), and its option errors.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class BenchLoaderCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("deit-bench-loader-").FullName;

    [Fact]
    public async Task Bench_loader_prints_rates_per_worker_and_in_total_and_the_cores_a_trial_needs()
    {
        var fixtures = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "DeiT.Tuning.Training.Tests", "Augment", "CropFixtures");
        foreach (var (split, image) in new[] { ("train", "a.jpg"), ("train", "b.jpg"), ("val", "a.jpg") })
        {
            var folder = Directory.CreateDirectory(Path.Combine(_root, split, "class" + image[0])).FullName;
            File.Copy(Path.Combine(fixtures, image), Path.Combine(folder, image));
        }
        var (code, stdout, _) = await ConsoleCapture.RunAsync($"bench loader --data-root {_root} --workers 2 --size 96 --images 8 --randaug --step-rate 1000 --json");
        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(stdout);
        var r = document.RootElement;
        Assert.Equal(2, r.GetProperty("train_images").GetInt32());
        Assert.StartsWith("RandomResizedCrop", r.GetProperty("transform")[0].GetString());
        double one = r.GetProperty("images_per_second_one_worker").GetDouble();
        Assert.True(one > 0 && r.GetProperty("images_per_second_all_workers").GetDouble() > 0);
        Assert.Equal((int)Math.Ceiling(1000 / one), r.GetProperty("cores_needed").GetInt32());
    }

    [Theory]
    [InlineData("bench loader --data-root /nonexistent-folder", "--data-root")]
    [InlineData("bench loader --data-root /tmp --workers 0", "--workers")]
    [InlineData("bench loader --data-root /tmp --model deit_nano", "--model")]
    public async Task Bad_options_fail_naming_the_option(string args, string named)
    {
        var (code, _, stderr) = await ConsoleCapture.RunAsync(args);
        Assert.NotEqual(0, code);
        Assert.Contains(named, stderr);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
