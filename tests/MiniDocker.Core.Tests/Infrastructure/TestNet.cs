using System.Net;
using System.Net.Sockets;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>Ports and requests the network tests share.</summary>
public static class TestNet
{
    /// <summary>A port nothing uses right now (TCP or UDP, by <paramref name="type"/>).</summary>
    public static int FreePort(SocketType type = SocketType.Stream)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>A subnet for a test network, unlikely to meet another test's.</summary>
    public static string UniqueSubnet() => $"10.{Random.Shared.Next(150, 250)}.{Random.Shared.Next(0, 250)}.0/24";

    /// <summary>An HTTP/1.0 GET of "/", the whole answer, or null when the connection fails.</summary>
    public static string? TryGet(IPAddress host, int port)
    {
        try
        {
            using var client = new TcpClient();
            // A dropped SYN would otherwise block for minutes of retries.
            if (!client.ConnectAsync(host, port).Wait(TimeSpan.FromSeconds(3))) return null;
            using var stream = client.GetStream();
            stream.ReadTimeout = 5000;
            stream.Write("GET / HTTP/1.0\r\n\r\n"u8);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidOperationException or AggregateException)
        {
            return null;
        }
    }
}
