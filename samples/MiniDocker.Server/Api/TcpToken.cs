using System.Security.Cryptography;
using System.Text;

namespace MiniDocker.Server.Api;

/// <summary>
/// Requests over TCP must carry the server's token: API clients send <c>Authorization: Bearer ...</c>;
/// a browser opens the dashboard once as <c>/?token=...</c>, which sets the token as a same-site,
/// script-invisible cookie (browsers cannot put headers on WebSocket requests) and drops it from
/// the address bar. The unix socket's own permissions guard the rest.
/// </summary>
internal static class TcpToken
{
    private const string CookieName = "minidocker_token";

    public static IApplicationBuilder UseTcpToken(this IApplicationBuilder app, ServerOptions options) => app.Use((context, next) =>
    {
        if (options.Token is not { } token || context.Connection.LocalIpAddress is null) return next(context);
        var request = context.Request;
        if (request.Method == "GET" && request.Query["token"].FirstOrDefault() is { } offered && request.Path.Value is "/" or "/dashboard")
        {
            if (!Matches(offered, token)) throw Refused();
            context.Response.Cookies.Append(CookieName, offered, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            context.Response.Redirect(request.Path);
            return Task.CompletedTask;
        }
        var header = request.Headers.Authorization.FirstOrDefault() ?? "";
        var given = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : request.Cookies[CookieName] ?? "";
        if (!Matches(given, token)) throw Refused();
        return next(context);
    });

    // Compared in constant time, so the answer's timing says nothing about the token.
    private static bool Matches(string given, string token) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token));

    private static ApiException Refused() =>
        new(StatusCodes.Status401Unauthorized, "This API needs a bearer token over TCP: send Authorization: Bearer <token> (a browser opens /?token=<token> once).");
}
