using System.Net.WebSockets;

namespace MiniDocker.Server.Api;

/// <summary>
/// Reads a send-only WebSocket for the client's close: that read is how a departure is seen at
/// once rather than at the next failed send.
/// </summary>
internal static class CloseWatch
{
    public static async Task RunAsync(WebSocket socket, CancellationTokenSource gone)
    {
        var buffer = new byte[256];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, gone.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        await gone.CancelAsync();
    }
}
