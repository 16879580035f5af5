using System.Globalization;

namespace MiniDocker.Server.Api;

/// <summary>The <c>h</c> and <c>w</c> query parameters of the resize endpoints, in characters.</summary>
internal static class TerminalSizeQuery
{
    public static (int Columns, int Rows) Parse(HttpRequest request) => (Read(request, "w"), Read(request, "h"));

    private static int Read(HttpRequest request, string name) =>
        int.TryParse(request.Query[name].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= ushort.MaxValue
            ? value
            : throw ApiException.BadRequest($"{name} must be a terminal size in characters from 1 to 65535; got \"{request.Query[name].FirstOrDefault()}\".");
}
