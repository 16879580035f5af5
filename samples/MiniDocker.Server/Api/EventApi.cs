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
            var now = DateTimeOffset.UtcNow;
            var since = Time(request, "since") ?? now;
            var until = Time(request, "until");
            context.Response.ContentType = "application/json";
            // The client shows nothing until the headers arrive, and events may be long in coming.
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            if (until is { } end) stop.CancelAfter(end > now ? end - now : TimeSpan.Zero);
            try
            {
                await foreach (var e in events.SubscribeAsync(stop.Token))
                {
                    if (e.Time < since || (until is { } last && e.Time > last) || !e.Matches(filters)) continue;
                    await context.Response.WriteAsync(JsonSerializer.Serialize(e.ToDocker()) + "\n", stop.Token);
                    await context.Response.Body.FlushAsync(stop.Token);
                }
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                // until has passed: the stream ends, as with dockerd.
            }
        });
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
