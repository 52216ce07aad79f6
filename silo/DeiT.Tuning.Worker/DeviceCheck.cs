using DeiT.Tuning.Training.Devices;
using DeiT.Tuning.Worker.Protocol;
using TorchSharp;

namespace DeiT.Tuning.Worker;

/// <summary>
/// `deit-tune-worker --check-devices cuda:0,cuda:1`: for each device, what a trial does first — load the backend,
/// resolve the device, run a kernel on it — and one <see cref="DeviceCheckMessage"/> line with what failed.
/// Exit code 0 when every device passed, 1 otherwise.
/// </summary>
public static class DeviceCheck
{
    public static int Run(string devices, Stream output)
    {
        Console.SetOut(Console.Error);
        var writer = new ProtocolWriter(output);
        var failed = false;
        foreach (var device in devices.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var message = Check(device);
            failed |= message.Error is not null;
            writer.Send(message);
        }
        return failed ? 1 : 0;
    }

    private static DeviceCheckMessage Check(string device)
    {
        try
        {
            var resolved = TorchRuntime.Resolve(device);
            using (var ones = torch.ones(16, device: resolved))
            using (var sum = ones.sum())
            {
                if (sum.item<float>() != 16f) return new DeviceCheckMessage(device, "a kernel on the device computed a wrong sum");
            }
            return new DeviceCheckMessage(device, null, resolved.type == DeviceType.CUDA ? CudaCapability.TryGetMajor(resolved.index) : null);
        }
        catch (Exception e)
        {
            return new DeviceCheckMessage(device, e.Message);
        }
    }
}
