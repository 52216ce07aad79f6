using DeiT.Tuning.Worker;

return args is [DeviceCheck.Argument, var devices]
    ? DeviceCheck.Run(devices, Console.OpenStandardOutput())
    : TrialWorker.Run(Console.OpenStandardInput(), Console.OpenStandardOutput());
