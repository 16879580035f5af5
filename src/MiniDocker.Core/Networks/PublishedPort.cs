using System.Net;

namespace MiniDocker.Networks;

/// <summary>The protocols a port can be published for.</summary>
public enum PortProtocol
{
    /// <summary>TCP.</summary>
    Tcp,

    /// <summary>UDP.</summary>
    Udp,
}

/// <summary>A host port forwarded to a container port (Docker's <c>-p hostIp:hostPort:containerPort/protocol</c>).</summary>
/// <param name="HostPort">The port on the host.</param>
/// <param name="ContainerPort">The port in the container.</param>
/// <param name="Protocol">TCP or UDP.</param>
/// <param name="HostAddress">The host address to listen on; every address when null.</param>
public sealed record PublishedPort(int HostPort, int ContainerPort, PortProtocol Protocol = PortProtocol.Tcp, IPAddress? HostAddress = null)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{HostAddress ?? IPAddress.Any}:{HostPort} → {ContainerPort}/{Protocol.ToString().ToLowerInvariant()}";
}
