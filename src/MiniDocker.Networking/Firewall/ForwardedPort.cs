using System.Net;

namespace MiniDocker.Networking.Firewall;

/// <summary>A host port whose traffic the kernel redirects to a container's address and port.</summary>
/// <param name="HostPort">The port on the host.</param>
/// <param name="Target">The container's address.</param>
/// <param name="TargetPort">The port in the container.</param>
/// <param name="Udp">UDP rather than TCP.</param>
/// <param name="HostAddress">The one host address to forward; every local address when null.</param>
public sealed record ForwardedPort(int HostPort, IPAddress Target, int TargetPort, bool Udp = false, IPAddress? HostAddress = null);
