using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace MiniDocker.Server.Transport;

/// <summary>
/// Kestrel's unix-socket transport, for the one behaviour the Docker API needs and Kestrel's own
/// socket transport does not have: a client may shut its side down (FIN) and still read. The
/// docker client does exactly that after attaching to a container without stdin, and Kestrel's
/// transport then closes the connection, so the container's output never arrives.
/// </summary>
internal sealed class HalfCloseTransportFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is UnixDomainSocketEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var path = endpoint.ToString()!;
        if (File.Exists(path)) File.Delete(path); // a socket file left by a server that died
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return ValueTask.FromResult<IConnectionListener>(new HalfCloseListener(socket, endpoint));
    }
}
