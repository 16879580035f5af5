using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace MiniDocker.Networks;

/// <summary>
/// Publishes a container port on the host with a proxy in the engine (as Docker's docker-proxy
/// does): it works for connections to the host's own addresses, 127.0.0.1 included, where DNAT
/// needs route_localnet and hairpin rules, and it needs no firewall. The host socket is bound
/// before the container starts, so a port in use is an error before anything runs.
/// </summary>
internal sealed class PortProxy : IAsyncDisposable
{
    private static readonly TimeSpan UdpIdle = TimeSpan.FromSeconds(60);

    private readonly Socket _listener;
    private readonly PublishedPort _port;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private PortProxy(Socket listener, PublishedPort port)
    {
        _listener = listener;
        _port = port;
    }

    /// <summary>Binds the host side now.</summary>
    /// <exception cref="ContainerConfigurationException">The port is in use, or below 1024 for a non-root engine.</exception>
    public static PortProxy Bind(PublishedPort port)
    {
        if (port.HostPort is < 1 or > 65535 || port.ContainerPort is < 1 or > 65535)
            throw new ContainerConfigurationException($"Port mapping {port} is out of range; ports go from 1 to 65535.");
        if (port.HostPort < 1024 && Tmds.Linux.LibC.geteuid() != 0)
            throw new ContainerConfigurationException($"Host port {port.HostPort} is below 1024, which needs root (or CAP_NET_BIND_SERVICE); choose a port from 1024 up.");
        var address = port.HostAddress ?? IPAddress.Any;
        var socket = port.Protocol == PortProtocol.Tcp
            ? new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (port.Protocol == PortProtocol.Tcp) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(address, port.HostPort));
            if (port.Protocol == PortProtocol.Tcp) socket.Listen(128);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ContainerConfigurationException(
                e.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? $"Host port {port.HostPort}/{port.Protocol.ToString().ToLowerInvariant()} on {address} is already in use; stop what uses it or publish another port."
                    : $"Publishing {port} failed: {e.Message}", e);
        }
        return new PortProxy(socket, port);
    }

    /// <summary>Starts forwarding to the container's address.</summary>
    public void Start(IPAddress container) =>
        _loop = _port.Protocol == PortProtocol.Tcp
            ? Task.Run(() => AcceptLoopAsync(new IPEndPoint(container, _port.ContainerPort), _stop.Token))
            : Task.Run(() => UdpLoopAsync(new IPEndPoint(container, _port.ContainerPort), _stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = RelayAsync(client, target, cancellationToken);
        }
    }

    private static async Task RelayAsync(Socket client, IPEndPoint target, CancellationToken cancellationToken)
    {
        using (client)
        using (var upstream = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                await upstream.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
                using var a = new NetworkStream(client, ownsSocket: false);
                using var b = new NetworkStream(upstream, ownsSocket: false);
                await Task.WhenAll(CopyThenShutdown(a, b, upstream, cancellationToken), CopyThenShutdown(b, a, client, cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                // A connection that fails or is reset just ends; the listener carries on.
            }
        }
    }

    // Half-close, so a client that shuts down its writes (HTTP/1.0, nc) still gets the answer.
    private static async Task CopyThenShutdown(Stream from, Stream to, Socket toSocket, CancellationToken cancellationToken)
    {
        await from.CopyToAsync(to, cancellationToken).ConfigureAwait(false);
        try
        {
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
    }

    private async Task UdpLoopAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        var flows = new ConcurrentDictionary<EndPoint, Socket>();
        var buffer = new byte[65535];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var received = await _listener.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), cancellationToken).ConfigureAwait(false);
                var client = received.RemoteEndPoint;
                if (!flows.TryGetValue(client, out var flow))
                {
                    // One connected socket per client, so replies find their way back.
                    flow = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    await flow.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
                    flows[client] = flow;
                    _ = ReplyLoopAsync(flow, client, flows, cancellationToken);
                }
                await flow.SendAsync(buffer.AsMemory(0, received.ReceivedBytes), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            foreach (var flow in flows.Values) flow.Dispose();
        }
    }

    private async Task ReplyLoopAsync(Socket flow, EndPoint client, ConcurrentDictionary<EndPoint, Socket> flows, CancellationToken cancellationToken)
    {
        var buffer = new byte[65535];
        try
        {
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                idle.CancelAfter(UdpIdle);
                int n = await flow.ReceiveAsync(buffer, idle.Token).ConfigureAwait(false);
                await _listener.SendToAsync(buffer.AsMemory(0, n), client, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            flows.TryRemove(client, out _);
            flow.Dispose();
        }
    }
}
