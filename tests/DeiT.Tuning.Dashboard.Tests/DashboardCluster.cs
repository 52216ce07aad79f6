using DeiT.Tuning.Abstractions.Devices;
using DeiT.Tuning.Grains;
using DeiT.Tuning.Grains.Devices;
using DeiT.Tuning.Grains.Hosting;
using DeiT.Tuning.Grains.Trials;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Orleans.TestingHost;

namespace DeiT.Tuning.Dashboard.Tests;

/// <summary>
/// One in-process silo (SQLite storage, eight CPU device slots, external commands allowed), the dashboard served
/// on a free loopback port over its client, and a headless Debian chromium driven by Playwright.
/// </summary>
public sealed class DashboardCluster : IAsyncLifetime
{
    /// <summary>Debian's chromium: Playwright's own browser download cannot work on these machines.</summary>
    public const string Chromium = "/usr/bin/chromium";

    public string Root { get; } = Directory.CreateTempSubdirectory("deit-tune-dashboard-").FullName;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;
    public Uri Address { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    private WebApplication _dashboard = null!;
    private IPlaywright _playwright = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        var state = Path.Combine(Root, "state.db");
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSqliteGrainStorage(StorageNames.Default, state);
            silo.AddDeitTuning(new TuningSiloOptions
            {
                Devices = DeviceList.Parse("cpu:8x1"),
                DataRoot = Root,
                CheckpointRoot = Path.Combine(Root, "checkpoints"),
                AllowExternalCommands = true,
                HeartbeatInterval = TimeSpan.FromSeconds(1),
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await WaitForDevices(8);

        _dashboard = DashboardServer.Build(Client, new DashboardOptions
        {
            Port = 0,
            CheckpointRoot = Path.Combine(Root, "checkpoints"),
        });
        await _dashboard.StartAsync();
        Address = DashboardServer.Address(_dashboard);

        Directory.CreateDirectory(Screenshots);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await _dashboard.StopAsync();
        await _dashboard.DisposeAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public async Task<IPage> NewPage()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        return await context.NewPageAsync();
    }

    public static Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name), FullPage = true });

    private async Task WaitForDevices(int count)
    {
        var registry = Client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key);
        for (var i = 0; i < 200; i++)
        {
            if ((await registry.GetInventory()).Silos.Values.Sum(d => d.Count) >= count) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"the silo did not announce {count} devices");
    }
}
