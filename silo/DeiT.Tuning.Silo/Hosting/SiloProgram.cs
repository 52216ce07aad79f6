using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using DeiT.Tuning.Dashboard;
using Orleans.Dashboard;

namespace DeiT.Tuning.Silo.Hosting;

/// <summary>Runs one silo in the foreground until Ctrl+C; a bad configuration exits with code 2 naming the key.</summary>
public static class SiloProgram
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        SiloSettings settings;
        try
        {
            var configuration = new ConfigurationBuilder().SetBasePath(Directory.GetCurrentDirectory());
            TuningSiloHost.AddSources(configuration, args);
            settings = SiloSettings.From(configuration.Build());
            SiloPortsInUse.ThrowIfTaken(settings);
            await SiloDeviceCheck.VerifyAsync(settings, Console.Error, cancellationToken);
        }
        catch (SiloConfigurationException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        using var host = settings.Dashboard || settings.OrleansDashboard ? BuildWithDashboards(args, settings) : BuildPlain(args, settings);
        Console.Error.WriteLine($"deit-tune silo: cluster '{settings.ClusterId}', {settings.Clustering} clustering, {settings.Storage} storage, " +
                                $"devices {string.Join(",", settings.Devices.Select(d => d.Device))}, silo port {settings.SiloPort}, gateway port {settings.GatewayPort}" +
                                (settings.Dashboard ? $", study dashboard http://{settings.DashboardBind}:{settings.DashboardPort}/" : "") +
                                (settings.OrleansDashboard ? $", Orleans dashboard http://localhost:{settings.OrleansDashboardPort}/" : ""));
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (SiloPortsInUse.Caused(e))
        {
            Console.Error.WriteLine($"error: {SiloPortsInUse.Describe(e, settings).Message}");
            return 2;
        }
        await host.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    private static IHost BuildPlain(string[] args, SiloSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(args);
        TuningSiloHost.AddSources(builder.Configuration, args);
        TuningSiloHost.Configure(builder, settings);
        return builder.Build();
    }

    /// <summary>The study dashboard and Orleans' own each answer only on their own port.</summary>
    private static IHost BuildWithDashboards(string[] args, SiloSettings settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        TuningSiloHost.AddSources(builder.Configuration, args);
        TuningSiloHost.Configure(builder, settings);
        builder.WebHost.UseKestrel(k =>
        {
            if (settings.Dashboard) k.Listen(settings.DashboardBind, settings.DashboardPort);
            if (settings.OrleansDashboard) k.ListenLocalhost(settings.OrleansDashboardPort);
        });
        var app = builder.Build();
        if (settings.Dashboard) app.MapStudyDashboard(settings.StudyDashboard).RequireHost($"*:{settings.DashboardPort}");
        if (settings.OrleansDashboard) app.MapOrleansDashboard().RequireHost($"*:{settings.OrleansDashboardPort}");
        return app;
    }
}
