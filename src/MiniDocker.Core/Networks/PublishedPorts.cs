using MiniDocker.Containers;
using MiniDocker.Networking.Firewall;

namespace MiniDocker.Networks;

/// <summary>
/// The host ports containers publish: each held by one container at a time (a reservation under
/// <c>&lt;root&gt;/ports</c>, whichever engine started it), and for a detached container forwarded
/// by the kernel, since no process of the engine may be left to proxy them.
/// </summary>
internal static class PublishedPorts
{
    private static string Directory(string rootDirectory) => Path.Combine(rootDirectory, "ports");

    private static string Key(PublishedPort port) => $"{port.Protocol.ToString().ToLowerInvariant()}-{port.HostPort}";

    /// <summary>The table of a container's forwarded ports.</summary>
    public static string Owner(string containerId) => containerId[..12];

    /// <exception cref="ContainerConfigurationException">Another container publishes the port.</exception>
    public static Reservation Reserve(string rootDirectory, PublishedPort port, string containerId) =>
        Reservation.Take(Directory(rootDirectory), Key(port), containerId, holder => new ContainerConfigurationException(
            $"Host port {port.HostPort}/{port.Protocol.ToString().ToLowerInvariant()} is already published by container {(holder.Length >= 12 ? holder[..12] : holder)}; stop that container or publish another port."));

    /// <summary>Forwards the ports to the container's address on its first network.</summary>
    /// <exception cref="ContainerConfigurationException">nftables refused the rules.</exception>
    public static void Forward(string containerId, NetworkAttachment attachment, IReadOnlyList<PublishedPort> ports)
    {
        try
        {
            PortForwarding.Add(Owner(containerId), attachment.Network.Bridge,
                [.. ports.Select(p => new ForwardedPort(p.HostPort, attachment.Address, p.ContainerPort, p.Protocol == PortProtocol.Udp, p.HostAddress))]);
        }
        catch (FirewallException e)
        {
            throw new ContainerConfigurationException($"The published ports could not be forwarded: {e.Message}", e);
        }
    }

    /// <summary>Gives the ports back once the container has ended: its forwarding rules and its reservations go.</summary>
    public static void Release(string rootDirectory, string containerId, IReadOnlyList<PublishedPort> ports)
    {
        if (ports.Count == 0) return;
        PortForwarding.Remove(Owner(containerId));
        foreach (var port in ports) Reservation.Release(Directory(rootDirectory), Key(port), containerId);
    }
}
