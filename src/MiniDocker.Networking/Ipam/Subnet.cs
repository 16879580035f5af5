using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MiniDocker.Networking.Ipam;

/// <summary>An IPv4 subnet such as 10.88.0.0/16.</summary>
public sealed record Subnet(IPAddress Network, int PrefixLength)
{
    /// <summary>Parses "a.b.c.d/n"; the address is masked to the network.</summary>
    /// <exception cref="FormatException">Not an IPv4 subnet, or too small to hold a gateway and a container.</exception>
    public static Subnet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(parts[1], out var prefix) || prefix is < 8 or > 30)
            throw new FormatException($"\"{text}\" is not an IPv4 subnet from /8 to /30 (a /30 holds a gateway and one container), such as 10.88.0.0/16.");
        uint mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        return new Subnet(ToAddress(ToUInt(address) & mask), prefix);
    }

    /// <summary>The first usable address, given to the bridge.</summary>
    public IPAddress Gateway => ToAddress(ToUInt(Network) + 1);

    /// <summary>How many addresses containers can get (all but network, gateway and broadcast).</summary>
    public long Capacity => (1L << (32 - PrefixLength)) - 3;

    /// <summary>The n-th container address (0-based), after the gateway.</summary>
    public IPAddress Host(long n) => ToAddress((uint)(ToUInt(Network) + 2 + n));

    /// <summary>Whether the two subnets share any address.</summary>
    public bool Overlaps(Subnet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        int prefix = Math.Min(PrefixLength, other.PrefixLength);
        uint mask = uint.MaxValue << (32 - prefix);
        return (ToUInt(Network) & mask) == (ToUInt(other.Network) & mask);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Network}/{PrefixLength}";

    private static uint ToUInt(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    private static IPAddress ToAddress(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
