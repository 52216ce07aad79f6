using DeiT.Tuning.Cli.Infrastructure;

return await DeitTuneCli.RunAsync(args);
