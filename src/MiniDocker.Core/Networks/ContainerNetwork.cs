using System.Net;
using MiniDocker.Networking.Ipam;

namespace MiniDocker.Networks;

/// <summary>
/// A bridge network: a Linux bridge holding the subnet's gateway address, and a veth into each
/// container on it. Containers on one network reach each other by address and by name.
/// </summary>
public sealed class ContainerNetwork
{
    internal ContainerNetwork(string name, Subnet subnet, string bridge, IpamPool pool, FileStream? ownership)
    {
        Ownership = ownership;
        Name = name;
        Subnet = subnet;
        Bridge = bridge;
        Pool = pool;
    }

    /// <summary>The network's name.</summary>
    public string Name { get; }

    /// <summary>Its subnet.</summary>
    public Subnet Subnet { get; }

    /// <summary>The gateway address, on the bridge.</summary>
    public IPAddress Gateway => Subnet.Gateway;

    /// <summary>The name of the bridge device on the host.</summary>
    public string Bridge { get; }

    internal IpamPool Pool { get; }

    /// <summary>
    /// The network's definition file, held open exclusively for as long as this engine owns the
    /// network: an engine that finds the file unlocked knows its owner died, and cleans up.
    /// Null for a persistent network, which no engine owns.
    /// </summary>
    internal FileStream? Ownership { get; }

    /// <summary>Whether the network outlives the engine that made it (until removed), as Docker's networks do.</summary>
    public bool Persistent => Ownership is null;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Subnet}, bridge {Bridge})";
}
