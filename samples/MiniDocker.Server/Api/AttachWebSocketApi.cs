using System.Net.WebSockets;
using System.Text;
using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary>
/// <c>/containers/{id}/attach/ws</c>: the container's output as WebSocket text messages (as
/// dockerd sends them, unframed). With <c>logs=1</c> what was written before comes first; with
/// <c>stream=1</c> the socket stays open for new output until the container ends or the client leaves.
/// </summary>
internal static class AttachWebSocketApi
{
    public static void MapAttachWebSocket(this IEndpointRouteBuilder app)
    {
        app.MapGet("/containers/{id}/attach/ws", async (string id, ContainerEngine engine, HttpContext context) =>
        {
            var request = context.Request;
            if (!context.WebSockets.IsWebSocketRequest) throw ApiException.BadRequest("attach/ws needs a WebSocket upgrade request.");
            if (request.Flag("stdin")) throw ApiException.NotSupported("Attaching stdin");
            var info = await engine.Containers.InspectAsync(id, context.RequestAborted);
            bool stdout = request.Flag("stdout"), stderr = request.Flag("stderr");
            if (!stdout && !stderr) (stdout, stderr) = (true, true);
            var options = new LogOptions { Stdout = stdout, Stderr = stderr, Since = request.Flag("logs") ? null : DateTimeOffset.UtcNow };
            bool follow = request.Flag("stream") && info.Status is ContainerStatus.Running or ContainerStatus.Paused;
            var lines = follow
                ? (await engine.Containers.GetAsync(info.Id, context.RequestAborted)).FollowLogsAsync(options, context.RequestAborted)
                : (await engine.Containers.GetLogsAsync(info.Id, options, context.RequestAborted)).ToAsyncEnumerable();

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            using var gone = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            var closed = CloseWatch.RunAsync(socket, gone);
            try
            {
                await foreach (var line in lines.WithCancellation(gone.Token))
                    await socket.SendAsync(Encoding.UTF8.GetBytes(line.Text), WebSocketMessageType.Text, endOfMessage: true, gone.Token);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "container exited", context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // The client left: nothing to keep.
            }
            finally
            {
                await gone.CancelAsync();
                await closed;
            }
        });
    }
}
