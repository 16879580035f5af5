using System.Globalization;
using System.Text.Json;
using MiniDocker.Server.Events;

namespace MiniDocker.Server.Api;

/// <summary>
/// <c>/events</c>: one JSON object per line. Without <c>since</c> only new events; with it the
/// kept ones from then on too; with <c>until</c> the stream ends at that time.
/// </summary>
internal static class EventApi
{
    public static void MapEvents(this IEndpointRouteBuilder app)
    {
        app.MapGet("/events", async (ServerEvents events, HttpContext context) =>
        {
            var request = context.Request;
            var filters = DockerFilters.Parse(request, "type", "event", "container", "image");
            var since = Time(request, "since") ?? DateTimeOffset.UtcNow;
            var until = Time(request, "until");
            context.Response.ContentType = "application/json";
            // The client shows nothing until the headers arrive, and events may be long in coming.
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            bool Wanted(ServerEvent e) => e.Time >= since && (until is not { } bound || e.Time <= bound) && e.Matches(filters);
            using var subscription = events.Subscribe();
            // The kept events go out whole, however long writing them takes; until bounds only the wait for new ones.
            foreach (var e in subscription.Past.Where(Wanted)) await WriteAsync(context, e, context.RequestAborted);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            if (until is { } end) stop.CancelAfter(end > DateTimeOffset.UtcNow ? end - DateTimeOffset.UtcNow : TimeSpan.Zero);
            try
            {
                await foreach (var e in subscription.Live.ReadAllAsync(stop.Token))
                {
                    if (Wanted(e)) await WriteAsync(context, e, stop.Token);
                }
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                // until has passed: the stream ends, as with dockerd.
            }
        });
    }

    private static async Task WriteAsync(HttpContext context, ServerEvent e, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync(JsonSerializer.Serialize(e.ToDocker()) + "\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Unix seconds, possibly with a fraction (the docker client sends seconds.nanoseconds).</summary>
    private static DateTimeOffset? Time(HttpRequest request, string name)
    {
        if (request.Query[name].FirstOrDefault() is not { Length: > 0 } text) return null;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
            throw ApiException.BadRequest($"{name} must be a Unix time in seconds, such as 1700000000 or 1700000000.5; got \"{text}\".");
        return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
    }
}
