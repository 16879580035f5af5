using System.Security.Cryptography;
using System.Text;

namespace MiniDocker.Server.Api;

/// <summary>
/// Requests over TCP must carry the server's token (<c>Authorization: Bearer ...</c>); the unix
/// socket's own permissions guard the rest.
/// </summary>
internal static class TcpToken
{
    public static IApplicationBuilder UseTcpToken(this IApplicationBuilder app, ServerOptions options) => app.Use((context, next) =>
    {
        if (options.Token is { } token && context.Connection.LocalIpAddress is not null)
        {
            var header = context.Request.Headers.Authorization.FirstOrDefault() ?? "";
            var given = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
            // Compared in constant time, so the answer's timing says nothing about the token.
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token)))
                throw new ApiException(StatusCodes.Status401Unauthorized, "This API needs a bearer token over TCP: send Authorization: Bearer <token>.");
        }
        return next(context);
    });
}
