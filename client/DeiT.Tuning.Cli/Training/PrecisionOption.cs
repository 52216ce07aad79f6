using System.CommandLine;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Cli.Training;

/// <summary>`--precision fp32|tf32|bf16|fp16`, shared by the commands that train; unset: the device's default.</summary>
public static class PrecisionOption
{
    public static Option<string?> Create() => new("--precision")
    {
        Description = "fp32, tf32, bf16 or fp16 (mixed precision with fp32 master weights; fp16 adds loss scaling). Default: bf16 on CUDA GPUs that support it, fp32 elsewhere",
    };

    public static Precision? Read(ParseResult result, Option<string?> option)
    {
        if (result.GetValue(option) is not { } text) return null;
        try { return PrecisionChoice.Parse(text, "--precision"); }
        catch (ArgumentException) { throw new CliException($"--precision '{text}' is invalid: use one of {string.Join(", ", PrecisionChoice.Names)}."); }
    }
}
