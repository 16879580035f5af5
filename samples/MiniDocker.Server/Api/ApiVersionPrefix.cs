using System.Text.RegularExpressions;

namespace MiniDocker.Server.Api;

/// <summary>Docker clients put the API version in front of every path (<c>/v1.41/containers/json</c>); the routes have none.</summary>
internal static partial class ApiVersionPrefix
{
    [GeneratedRegex(@"^/v1\.(\d+)(/.*)$")]
    private static partial Regex Prefix();

    public static IApplicationBuilder UseApiVersionPrefix(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var match = Prefix().Match(context.Request.Path.Value ?? "");
        if (match.Success)
        {
            if (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) < SystemApi.MinimumMinorVersion)
                throw ApiException.BadRequest($"client version 1.{match.Groups[1].Value} is too old. Minimum supported API version is {SystemApi.MinimumApiVersion}, please upgrade your client to a newer version");
            context.Request.Path = match.Groups[2].Value;
        }
        return next(context);
    });
}
