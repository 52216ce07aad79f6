using System.Net;
using System.Net.Http.Headers;
using DeiT.Tuning.Dashboard.Guards;
using DeiT.Tuning.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace DeiT.Tuning.Dashboard.Tests;

/// <summary>The token beyond loopback, and the write actions' same-origin check, over plain HTTP.</summary>
[Collection(DashboardCollection.Name)]
public sealed class GuardTests(DashboardCluster fixture)
{
    private const string Token = "0123456789abcdef-dashboard-test";

    [Fact]
    public void Binding_beyond_loopback_without_a_token_is_refused_naming_the_setting()
    {
        var e = Assert.Throws<DashboardConfigurationException>(() =>
            DashboardServer.Build(fixture.Client, new DashboardOptions { Bind = IPAddress.Any, Port = 0 }, "DashboardToken"));
        Assert.Contains("DashboardToken", e.Message);
        Assert.Throws<DashboardConfigurationException>(() =>
            DashboardServer.Build(fixture.Client, new DashboardOptions { Bind = IPAddress.Any, Port = 0, Token = "short" }));
    }

    [Fact]
    public void A_silo_serving_the_dashboard_beyond_loopback_needs_DashboardToken()
    {
        static SiloSettings From(params (string Key, string Value)[] keys) =>
            SiloSettings.From(new ConfigurationBuilder().AddInMemoryCollection(keys.Select(k => KeyValuePair.Create(k.Key, (string?)k.Value))).Build());

        var e = Assert.Throws<SiloConfigurationException>(() => From(("Dashboard", "true"), ("DashboardBind", "0.0.0.0")));
        Assert.Equal("DashboardToken", e.Key);
        var open = From(("Dashboard", "true"), ("DashboardBind", "0.0.0.0"), ("DashboardToken", Token));
        Assert.Equal(IPAddress.Any, open.StudyDashboard.Bind);
        Assert.Equal("OrleansDashboardPort", Assert.Throws<SiloConfigurationException>(() =>
            From(("Dashboard", "true"), ("OrleansDashboard", "true"), ("OrleansDashboardPort", "8080"))).Key);
    }

    [Fact]
    public async Task Requests_without_the_token_are_refused_when_bound_beyond_loopback()
    {
        await using var app = DashboardServer.Build(fixture.Client, new DashboardOptions { Bind = IPAddress.Any, Port = 0, Token = Token });
        await app.StartAsync();
        var address = DashboardServer.Address(app);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = address };

        foreach (var path in new[] { "/", "/api/studies", "/static/lib/echarts.min.js", "/api/studies/x/events" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(http, HttpMethod.Get, "/api/studies", bearer: "wrong-token-of-some-length")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/api/studies/x/stop", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Get, "/api/studies", bearer: Token)).StatusCode);
        var first = await http.GetAsync($"/?token={Token}");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"{TokenGuard.CookieName}=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/api/studies");
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(withCookie)).StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task Actions_are_post_only_and_refuse_other_origins()
    {
        using var http = new HttpClient { BaseAddress = fixture.Address };
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.GetAsync("/api/studies/nobody/stop")).StatusCode);

        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/api/studies/nobody/stop");
        foreign.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(foreign)).StatusCode);
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/api/studies/nobody/resume");
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(crossSite)).StatusCode);

        using var own = new HttpRequestMessage(HttpMethod.Post, "/api/studies/nobody/stop");
        own.Headers.Add("Origin", fixture.Address.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(own)).StatusCode); // passes the guard; no such study
    }

    private static Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, string bearer)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return http.SendAsync(request);
    }
}
