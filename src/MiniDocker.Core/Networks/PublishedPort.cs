using System.Globalization;
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
[System.Text.Json.Serialization.JsonConverter(typeof(PublishedPortJsonConverter))]
public sealed record PublishedPort(int HostPort, int ContainerPort, PortProtocol Protocol = PortProtocol.Tcp, IPAddress? HostAddress = null)
{
    /// <summary>As <c>docker ps</c> shows it: <c>0.0.0.0:8080->80/tcp</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{HostAddress ?? IPAddress.Any}:{HostPort}->{ContainerPort}/{Protocol.ToString().ToLowerInvariant()}");

    /// <summary>Reads what <see cref="ToString"/> wrote.</summary>
    /// <exception cref="FormatException">It is not in that form.</exception>
    public static PublishedPort Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var arrow = text.IndexOf("->", StringComparison.Ordinal);
        var colon = arrow < 0 ? -1 : text.LastIndexOf(':', arrow);
        var slash = text.IndexOf('/', Math.Max(arrow, 0));
        if (colon < 0 || slash < 0
            || !IPAddress.TryParse(text[..colon], out var address)
            || !int.TryParse(text[(colon + 1)..arrow], NumberStyles.None, CultureInfo.InvariantCulture, out var hostPort)
            || !int.TryParse(text[(arrow + 2)..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var containerPort)
            || !Enum.TryParse<PortProtocol>(text[(slash + 1)..], ignoreCase: true, out var protocol))
            throw new FormatException($"\"{text}\" is not a published port such as 0.0.0.0:8080->80/tcp.");
        return new PublishedPort(hostPort, containerPort, protocol, address.Equals(IPAddress.Any) ? null : address);
    }
}
