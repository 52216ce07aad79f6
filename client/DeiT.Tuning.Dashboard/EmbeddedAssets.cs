using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace DeiT.Tuning.Dashboard;

/// <summary>The pages, scripts and the bundled chart library, served from this assembly's resources.</summary>
public static class EmbeddedAssets
{
    private static readonly Assembly Assembly = typeof(EmbeddedAssets).Assembly;

    public static IResult Serve(string path)
    {
        var stream = Assembly.GetManifestResourceStream($"wwwroot/{path}");
        return stream is null ? Results.NotFound() : Results.Stream(stream, ContentType(path));
    }

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
}
