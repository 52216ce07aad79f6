using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace DeiT.Tuning.Dashboard.Api;

/// <summary>
/// Server-sent events: the document is read every poll interval and sent whenever it changed, so a page
/// follows its study without reloading. A comment line every 15 s keeps idle proxies from closing the stream.
/// </summary>
public static class EventStream
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task Run<T>(HttpContext http, Func<Task<T?>> read, TimeSpan interval)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var cancel = http.RequestAborted;
        string? last = null;
        var quietSince = DateTime.UtcNow;
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                var document = await read();
                var json = document is null ? "null" : JsonSerializer.Serialize(document, DashboardJson.Options);
                if (json != last)
                {
                    await http.Response.WriteAsync($"data: {json}\n\n", cancel);
                    await http.Response.Body.FlushAsync(cancel);
                    last = json;
                    quietSince = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - quietSince > KeepAlive)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", cancel);
                    await http.Response.Body.FlushAsync(cancel);
                    quietSince = DateTime.UtcNow;
                }
                await Task.Delay(interval, cancel);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // the page went away
        }
    }
}
