using System.Text.Json;
using DeiT.Tuning.Cli.Infrastructure;

namespace DeiT.Tuning.Cli.Tests.Commands;

/// <summary>`teacher train`, `train` and `eval` end to end on a few real Fashion-MNIST images, and their option errors.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class TrainingCommandsTests : IDisposable
{
    private const string Tiny = "--train-limit 128 --val-limit 64 --test-limit 64 --batch 32 --threads 1";
    private readonly string _scratch = Directory.CreateTempSubdirectory("deit-cli-tests-").FullName;

    [Fact]
    public async Task Teacher_train_then_distill_then_eval_print_one_json_document_each()
    {
        var teacher = Path.Combine(_scratch, "teacher.safetensors");
        var student = Path.Combine(_scratch, "student.safetensors");
        var (code, stdout, _) = await ConsoleCapture.RunAsync($"teacher train --model convnet_tiny --epochs 1 {Tiny} --out {teacher} --json");
        Assert.Equal(0, code);
        using (var document = JsonDocument.Parse(stdout))
        {
            Assert.Equal("completed", document.RootElement.GetProperty("outcome").GetString());
            Assert.Equal(1, document.RootElement.GetProperty("epochs").GetArrayLength());
            Assert.Equal(teacher, document.RootElement.GetProperty("out").GetString());
        }
        Assert.True(File.Exists(teacher));

        (code, stdout, _) = await ConsoleCapture.RunAsync(
            $"train --model deit_micro_distilled_patch4_28 --epochs 1 {Tiny} --distillation hard --teacher {teacher} --teacher-model convnet_tiny --test-each-epoch --out {student} --json");
        Assert.Equal(0, code);
        using (var document = JsonDocument.Parse(stdout))
        {
            var epoch = document.RootElement.GetProperty("epochs")[0];
            Assert.Equal("hard", document.RootElement.GetProperty("job").GetProperty("recipe").GetProperty("distillation").GetString());
            Assert.InRange(epoch.GetProperty("test_top1").GetDouble(), 0, 1);
            Assert.True(epoch.GetProperty("images_per_s").GetDouble() > 0);
            Assert.InRange(epoch.GetProperty("val_top1_dist").GetDouble(), 0, 1);
        }

        (code, stdout, _) = await ConsoleCapture.RunAsync(
            $"eval --model deit_micro_distilled_patch4_28 --weights {student} --test-limit 64 --threads 1 --head dist --compare-with {teacher} --compare-model convnet_tiny --json");
        Assert.Equal(0, code);
        using (var document = JsonDocument.Parse(stdout))
        {
            Assert.Equal("dist", document.RootElement.GetProperty("head").GetString());
            var comparison = document.RootElement.GetProperty("comparison");
            Assert.Equal("class", comparison.GetProperty("head").GetString());
            Assert.Equal(comparison.GetProperty("differing").GetInt32() / 64.0, comparison.GetProperty("disagreement").GetDouble(), 12);
        }

        (code, stdout, _) = await ConsoleCapture.RunAsync($"eval --model convnet_tiny --weights {teacher} --test-limit 64 --threads 1 --json");
        Assert.Equal(0, code);
        using (var document = JsonDocument.Parse(stdout))
        {
            Assert.Equal(64, document.RootElement.GetProperty("images").GetInt32());
            Assert.InRange(document.RootElement.GetProperty("top1").GetDouble(), 0, 1);
        }
    }

    [Fact]
    public async Task Train_writes_a_model_card_that_eval_reads_and_init_weights_take_the_fine_tuning_recipe_where_options_are_unset()
    {
        var weights = Path.Combine(_scratch, "pretrained.safetensors");
        var (code, stdout, _) = await ConsoleCapture.RunAsync($"train --model deit_micro_patch4_28 --epochs 1 {Tiny} --out {weights} --json");
        Assert.Equal(0, code);
        (code, stdout, _) = await ConsoleCapture.RunAsync($"eval --weights {weights} --test-limit 64 --threads 1 --json"); // the model card names the model
        Assert.Equal(0, code);
        using (var evaluation = JsonDocument.Parse(stdout))
            Assert.Equal("deit_micro_patch4_28", evaluation.RootElement.GetProperty("model").GetString());
        string stderr;
        (code, _, stderr) = await ConsoleCapture.RunAsync($"eval --model deit_micro_distilled_patch4_28 --weights {weights} --test-limit 64 --threads 1");
        Assert.Equal(2, code); // another model's weights: one line naming what is missing and the model the card names
        Assert.Contains("does not fit model 'deit_micro_distilled_patch4_28': missing [dist_token, head_dist.weight, head_dist.bias], unexpected []; " +
                        "its model card says 'deit_micro_patch4_28': give that model", stderr);

        (code, stdout, _) = await ConsoleCapture.RunAsync($"train --model deit_micro_patch4_28 --init {weights} --epochs 1 --lr 1e-3 {Tiny} --json");

        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(stdout);
        var job = document.RootElement.GetProperty("job");
        var recipe = job.GetProperty("recipe");
        Assert.Equal(weights, job.GetProperty("init_weights").GetString());
        Assert.Equal(1e-3, recipe.GetProperty("base_lr").GetDouble());      // given
        Assert.Equal(1, recipe.GetProperty("epochs").GetInt32());           // given
        Assert.Equal(0, recipe.GetProperty("warmup_epochs").GetInt32());    // fine-tuning recipe
        Assert.Equal(1e-8, recipe.GetProperty("weight_decay").GetDouble()); // fine-tuning recipe
        Assert.Equal(5e-6, recipe.GetProperty("min_lr").GetDouble());       // fine-tuning recipe
    }

    [Fact]
    public async Task Fake_data_trains_a_224_model_with_no_files()
    {
        var (code, stdout, stderr) = await ConsoleCapture.RunAsync(
            "train --model deit_tiny_patch16_224 --dataset fake --epochs 1 --train-limit 16 --val-limit 8 --test-limit 8 --batch 8 --threads 1 --json");
        Assert.True(code == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        Assert.Equal("completed", document.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("fake", document.RootElement.GetProperty("job").GetProperty("data").GetProperty("kind").GetString());
        Assert.InRange(document.RootElement.GetProperty("epochs")[0].GetProperty("train_loss").GetDouble(), 6, 8);   // ≈ ln 1000: nothing to learn
    }

    [Theory]
    [InlineData("train --model deit_micro_patch4_28 --distillation hard", "--teacher")]
    [InlineData("train --model deit_micro_patch4_28 --teacher t.safetensors", "--distillation")]
    [InlineData("train --model deit_nano", "--model 'deit_nano' is unknown")]
    [InlineData("train --model deit_micro_patch4_28 --lr 0", "--lr")]
    [InlineData("train --model deit_micro_patch4_28 --batch 33", "--batch")]
    [InlineData("train --model deit_micro_patch4_28 --val-fraction 1.5", "--val-fraction")]
    [InlineData("train --model deit_micro_patch4_28 --dataset cifar10", "--data-root")]
    [InlineData("train --model deit_micro_patch4_28 --device tpu", "--device")]
    [InlineData("eval --model convnet_tiny --weights missing.safetensors", "--weights")]
    [InlineData("train --model deit_micro_patch4_28 --momentum 1", "--momentum")]
    [InlineData("paper plan --budget standard --seeds 2", "--seeds 2")]
    [InlineData("paper plan --model convnet_small", "--model 'convnet_small'")]
    [InlineData("paper report --records missing.json --out r", "--records")]
    [InlineData("train --model deit_micro_patch4_28 --lr abc", "error: --lr 'abc' is not a number")]
    [InlineData("train --model deit_micro_patch4_28 --epochs 2.5", "error: --epochs '2.5' is not a whole number")]
    [InlineData("export --study s --format xml", "error: --format 'xml' is not one of: csv, json")]
    [InlineData("train --model deit_micro_patch4_28 --epochs 1 --device cuda:0", "error: --device cuda:0: CUDA is not available in this build")]
    [InlineData("bench train-step --model deit_micro_patch4_28 --device cuda", "error: --device cuda: CUDA is not available in this build")]
    public async Task Bad_options_fail_naming_the_option(string args, string named)
    {
        var (code, _, stderr) = await ConsoleCapture.RunAsync(args);
        Assert.Equal(2, code);
        Assert.Contains(named, stderr);
    }

    public void Dispose()
    {
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Runs `deit-tune` in-process with stdout/stderr captured; tests using it run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCapture
{
    public const string Name = "console capture";

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var code = await DeitTuneCli.RunAsync(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
