using Microsoft.AspNetCore.Http;

namespace DeiT.Tuning.Dashboard.Guards;

/// <summary>
/// The write actions refuse cross-site requests: a browser's Origin must be this dashboard's own, and its
/// Sec-Fetch-Site (when sent) must be same-origin. Clients that send neither (curl, scripts) are not browsers a
/// foreign page could drive, and still need the token when one is set.
/// </summary>
public sealed class SameOriginGuard : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var origin = request.Headers.Origin.ToString();
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        var own = $"{request.Scheme}://{request.Host}";
        if (origin.Length > 0 && !string.Equals(origin, own, StringComparison.OrdinalIgnoreCase))
            return Refuse($"origin {origin} is not this dashboard ({own})");
        if (site.Length > 0 && site is not ("same-origin" or "none"))
            return Refuse($"Sec-Fetch-Site is {site}");
        return await next(context);
    }

    private static IResult Refuse(string why) =>
        Results.Text($"403: cross-site request refused: {why}\n", statusCode: StatusCodes.Status403Forbidden);
}
