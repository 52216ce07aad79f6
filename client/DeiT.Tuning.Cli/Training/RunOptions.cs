using System.CommandLine;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Training.Devices;
using DeiT.Tuning.Training.Engine;
using TorchSharp;

namespace DeiT.Tuning.Cli.Training;

/// <summary>Where and how a run executes: device, threads, loader workers.</summary>
public sealed class RunOptions
{
    private readonly Option<string> _device = new("--device") { Description = "cpu or cuda:N", DefaultValueFactory = _ => "cpu" };
    private readonly Option<int?> _threads = new("--threads") { Description = "Intra-op CPU threads (default: libtorch's choice)" };
    private readonly Option<int> _workers = new("--workers") { Description = "Background threads preparing batches", DefaultValueFactory = _ => 1 };
    private readonly Option<string?> _precision = PrecisionOption.Create();

    public void AddTo(Command command)
    {
        command.Options.Add(_device);
        command.Options.Add(_threads);
        command.Options.Add(_workers);
        command.Options.Add(_precision);
    }

    /// <summary>The device, initialized, or the user's --device error when this host cannot run on it. Call it on the
    /// thread that trains, after its OpenMP wait policy is set (the first torch call fixes the policy).</summary>
    public static torch.Device ResolveDevice(string device)
    {
        try { return TorchRuntime.Resolve(device); }
        catch (ArgumentException e) { throw new CliException($"--device {device}: {e.Message}"); }
    }

    public TrainingRunOptions Read(ParseResult result)
    {
        var device = result.GetValue(_device)!;
        try { TorchRuntime.Parse(device); }
        catch (ArgumentException) { throw new CliException($"--device '{device}' is invalid: use cpu, cuda or cuda:N."); }
        var threads = result.GetValue(_threads);
        if (threads is < 1) throw new CliException($"--threads {threads} is invalid: it must be at least 1.");
        var workers = result.GetValue(_workers);
        if (workers < 1) throw new CliException($"--workers {workers} is invalid: it must be at least 1.");
        return new TrainingRunOptions { Device = device, Threads = threads, LoaderWorkers = workers, Precision = PrecisionOption.Read(result, _precision) };
    }
}
