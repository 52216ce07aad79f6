using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace DeiT.Tuning.Dashboard.Guards;

/// <summary>
/// With a token configured, every request must carry it: `Authorization: Bearer T`, the cookie a first `?token=T`
/// visit sets, or `?token=T` itself. Comparison is constant-time over SHA-256 digests (no length or prefix leak).
/// </summary>
public sealed class TokenGuard(string? token) : IEndpointFilter
{
    public const string CookieName = "deit_dashboard_token";
    private readonly byte[]? _digest = string.IsNullOrEmpty(token) ? null : Digest(token);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_digest is null) return await next(context);
        var http = context.HttpContext;
        var query = http.Request.Query["token"].ToString();
        if (Matches(query))
        {
            http.Response.Cookies.Append(CookieName, query, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = http.Request.IsHttps,
                Path = "/",
            });
            return await next(context);
        }
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal) && Matches(header["Bearer ".Length..].Trim()))
            return await next(context);
        if (http.Request.Cookies.TryGetValue(CookieName, out var cookie) && Matches(cookie))
            return await next(context);
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Text("401: this dashboard needs its token: open it once as /?token=T, or send `Authorization: Bearer T`\n",
            statusCode: StatusCodes.Status401Unauthorized);
    }

    private bool Matches(string? candidate) =>
        !string.IsNullOrEmpty(candidate) && CryptographicOperations.FixedTimeEquals(Digest(candidate), _digest);

    private static byte[] Digest(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
