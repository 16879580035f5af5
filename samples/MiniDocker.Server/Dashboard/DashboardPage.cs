namespace MiniDocker.Server.Dashboard;

/// <summary>
/// The dashboard: one page, built into the server (nothing is fetched at run time), at <c>/</c>
/// and <c>/dashboard</c>. It drives the same Engine API that docker clients use.
/// </summary>
internal static class DashboardPage
{
    private static readonly Lazy<byte[]> Html = new(() =>
    {
        using var resource = typeof(DashboardPage).Assembly.GetManifestResourceStream("MiniDocker.Server.Dashboard.index.html")
            ?? throw new InvalidOperationException("The dashboard page is missing from the server's assembly.");
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    });

    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        foreach (var path in new[] { "/", "/dashboard" })
        {
            app.MapGet(path, (HttpContext context) =>
            {
                // The page is code: no other origin may frame it, and it loads nothing from elsewhere.
                context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline' 'self'; connect-src 'self'; frame-ancestors 'none'";
                context.Response.Headers.CacheControl = "no-store";
                return Results.Bytes(Html.Value, "text/html; charset=utf-8");
            });
        }
    }
}
