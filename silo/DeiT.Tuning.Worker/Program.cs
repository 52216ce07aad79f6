using DeiT.Tuning.Worker;
using DeiT.Tuning.Worker.Protocol;

return args is [WorkerProtocol.CheckDevicesArgument, var devices]
    ? DeviceCheck.Run(devices, Console.OpenStandardOutput())
    : TrialWorker.Run(Console.OpenStandardInput(), Console.OpenStandardOutput());
