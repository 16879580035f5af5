using System.Net.WebSockets;
using System.Text.Json;
using MiniDocker.Cgroups;
using MiniDocker.Containers;

namespace MiniDocker.Server.Dashboard;

/// <summary>
/// <c>/minidocker/stats/ws</c>, the dashboard's one extension to the Engine API: every second, the
/// CPU and memory of every running container in one WebSocket message, so a page with many
/// containers needs one socket rather than one streamed request per container.
/// </summary>
internal static class StatsWebSocket
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static void MapStatsWebSocket(this IEndpointRouteBuilder app)
    {
        app.MapGet("/minidocker/stats/ws", async (ContainerEngine engine, HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest) throw Api.ApiException.BadRequest("This endpoint needs a WebSocket upgrade request.");
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            using var gone = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            var closed = Api.CloseWatch.RunAsync(socket, gone);
            var previous = new Dictionary<string, (ulong CpuNanoseconds, DateTimeOffset At)>(StringComparer.Ordinal);
            try
            {
                while (!gone.IsCancellationRequested)
                {
                    var message = JsonSerializer.SerializeToUtf8Bytes(new
                    {
                        time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                        containers = await ReadAllAsync(engine, previous, gone.Token),
                    });
                    await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, gone.Token);
                    await Task.Delay(Interval, gone.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // The page went away.
            }
            finally
            {
                await gone.CancelAsync();
                await closed;
            }
        });
    }

    private static async Task<List<object>> ReadAllAsync(ContainerEngine engine, Dictionary<string, (ulong CpuNanoseconds, DateTimeOffset At)> previous, CancellationToken cancellationToken)
    {
        var readings = new List<object>();
        foreach (var info in await engine.Containers.ListAsync(new ContainerFilter { Status = ContainerStatus.Running }, cancellationToken))
        {
            CgroupStats stats;
            try
            {
                stats = await (await engine.Containers.GetAsync(info.Id, cancellationToken)).GetStatsAsync(cancellationToken);
            }
            catch (Exception e) when (e is CgroupException or InvalidOperationException or ContainerNotFoundException)
            {
                continue; // it ended between the listing and the reading
            }
            // Percent of one CPU, as docker stats shows it: CPU time used over wall time passed.
            double? cpu = previous.TryGetValue(info.Id, out var last) && stats.Timestamp > last.At
                ? (stats.CpuUsageNanoseconds - last.CpuNanoseconds) / ((stats.Timestamp - last.At).TotalMilliseconds * 1e6) * 100
                : null;
            previous[info.Id] = (stats.CpuUsageNanoseconds, stats.Timestamp);
            readings.Add(new { id = info.Id, cpu, memory = stats.MemoryUsageBytes, limit = stats.MemoryLimitBytes });
        }
        return readings;
    }
}
