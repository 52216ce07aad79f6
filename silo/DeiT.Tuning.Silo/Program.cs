using DeiT.Tuning.Silo.Hosting;

return await SiloProgram.RunAsync(args);
