return DeiT.Tuning.Worker.TrialWorker.Run(Console.OpenStandardInput(), Console.OpenStandardOutput());
