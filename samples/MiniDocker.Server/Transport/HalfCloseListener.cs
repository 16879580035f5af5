using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace MiniDocker.Server.Transport;

/// <summary>Accepts connections on the listening unix socket.</summary>
internal sealed class HalfCloseListener(Socket listener, EndPoint endpoint) : IConnectionListener
{
    private long _next;

    public EndPoint EndPoint { get; } = endpoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var socket = await listener.AcceptAsync(cancellationToken);
            return new HalfCloseConnection(socket, $"uds-{Interlocked.Increment(ref _next)}", EndPoint);
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or SocketException)
        {
            return null; // unbound: Kestrel stops accepting
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        listener.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        listener.Dispose();
        return ValueTask.CompletedTask;
    }
}
