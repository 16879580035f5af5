using MiniDocker.Networking.Netlink;

namespace MiniDocker.Networking.Links;

/// <summary>
/// A veth pair: two linked interfaces, what enters one leaves the other. Usable on its own:
/// create it, move one end into another network namespace, and dispose it to delete both ends.
/// </summary>
public sealed class VethPair : IDisposable
{
    private VethPair(string name, string peerName)
    {
        Name = name;
        PeerName = peerName;
    }

    /// <summary>The end that stays in this namespace.</summary>
    public string Name { get; }

    /// <summary>The other end.</summary>
    public string PeerName { get; }

    /// <summary>Creates the pair in this process's network namespace.</summary>
    /// <exception cref="NetlinkException">A link of either name exists, or the caller lacks CAP_NET_ADMIN.</exception>
    public static VethPair Create(string name, string peerName)
    {
        using var socket = RouteSocket.Open();
        socket.CreateVeth(name, peerName);
        return new VethPair(name, peerName);
    }

    /// <summary>Moves the peer end into the network namespace of a process.</summary>
    public void MovePeerToNamespaceOf(int pid)
    {
        using var socket = RouteSocket.Open();
        socket.MoveToNamespaceOf(PeerName, pid);
    }

    /// <summary>Moves the peer end into a network namespace.</summary>
    public void MovePeerTo(NetworkNamespace networkNamespace)
    {
        ArgumentNullException.ThrowIfNull(networkNamespace);
        using var socket = RouteSocket.Open();
        using var file = File.OpenHandle(networkNamespace.Path);
        socket.MoveToNamespace(PeerName, file);
    }

    /// <summary>Deletes the pair (deleting one end deletes both).</summary>
    public void Dispose()
    {
        using var socket = RouteSocket.Open();
        if (socket.LinkExists(Name)) socket.DeleteLink(Name);
    }
}
