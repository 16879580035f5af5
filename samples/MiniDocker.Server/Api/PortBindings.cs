using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MiniDocker.Containers;
using MiniDocker.Networks;

namespace MiniDocker.Server.Api;

/// <summary>
/// <c>HostConfig.PortBindings</c> (<c>docker run -p</c>): <c>{"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}</c>.
/// An empty or zero host port gets a free one, as dockerd picks one (<c>-p 80</c>, and what Testcontainers asks for).
/// </summary>
internal static class PortBindings
{
    public static ContainerBuilder Apply(ContainerBuilder builder, JsonElement bindings, bool onNetwork)
    {
        if (bindings.ValueKind != JsonValueKind.Object) return builder;
        foreach (var binding in bindings.EnumerateObject())
        {
            var (containerPort, protocol) = ParseKey(binding.Name);
            if (binding.Value.ValueKind != JsonValueKind.Array) continue;
            foreach (var host in binding.Value.EnumerateArray())
            {
                if (!onNetwork)
                    throw ApiException.BadRequest("Publishing a port needs the container on a network; it has --network none.");
                var address = host.TryGetProperty("HostIp", out var ip) && ip.GetString() is { Length: > 0 } given ? given : null;
                var hostPort = host.TryGetProperty("HostPort", out var port) && port.GetString() is { Length: > 0 } text && text != "0"
                    ? ParsePort(text, $"HostPort \"{text}\"")
                    : FreePort(protocol);
                builder = builder.WithPublishedPort(hostPort, containerPort, protocol, address);
            }
        }
        return builder;
    }

    private static (int Port, PortProtocol Protocol) ParseKey(string key)
    {
        var parts = key.Split('/');
        var protocol = parts.Length == 1 || parts[1] == "tcp" ? PortProtocol.Tcp
            : parts[1] == "udp" ? PortProtocol.Udp
            : throw ApiException.BadRequest($"Port \"{key}\": the protocol must be tcp or udp.");
        return (ParsePort(parts[0], $"Port \"{key}\""), protocol);
    }

    private static int ParsePort(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port : throw ApiException.BadRequest($"{what} is not a port from 1 to 65535; a range is not supported by minidocker-server.");

    // The kernel's choice of a free port; the engine's own reservation catches the rare clash with a port taken meanwhile.
    private static int FreePort(PortProtocol protocol)
    {
        using var socket = protocol == PortProtocol.Udp
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
