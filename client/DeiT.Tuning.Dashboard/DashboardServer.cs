using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DeiT.Tuning.Dashboard;

/// <summary>A stand-alone dashboard web server over grains a client (or silo) already reaches.</summary>
public static class DashboardServer
{
    /// <summary>Throws <see cref="DashboardConfigurationException"/> when bound beyond loopback without a token.</summary>
    public static WebApplication Build(IGrainFactory grains, DashboardOptions options, string tokenSetting = "--token")
    {
        options.Validate(tokenSetting);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(grains);
        builder.WebHost.UseKestrel(k => k.Listen(options.Bind, options.Port));
        var app = builder.Build();
        app.MapStudyDashboard(options);
        return app;
    }

    /// <summary>The address the started server listens on (the real port when <see cref="DashboardOptions.Port"/> is 0).</summary>
    public static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
}
