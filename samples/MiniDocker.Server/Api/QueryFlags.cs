namespace MiniDocker.Server.Api;

/// <summary>Docker's boolean query parameters: <c>1</c> or <c>true</c> (any case) is set; anything else, or absent, is not.</summary>
internal static class QueryFlags
{
    public static bool Flag(this HttpRequest request, string name) =>
        request.Query[name].FirstOrDefault() is { } value && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
}
