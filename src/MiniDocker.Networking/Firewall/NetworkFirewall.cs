using MiniDocker.Networking.Ipam;

namespace MiniDocker.Networking.Firewall;

/// <summary>
/// The nftables rules of one bridge network, in a table of its own (removing the table removes
/// them all): traffic the containers send out through the host is masqueraded (only what is
/// forwarded from the bridge: the host's own packets, such as the port proxy's replies over
/// lo, keep their addresses), and traffic forwarded into the
/// bridge from another MiniDocker bridge is dropped, so networks are isolated from each other.
/// </summary>
public static class NetworkFirewall
{
    /// <summary>The table prefix; every MiniDocker network table starts with it.</summary>
    public const string TablePrefix = "minidocker_";

    /// <summary>The name of a network's table.</summary>
    public static string TableName(string bridge) => TablePrefix + bridge.Replace('-', '_');

    /// <summary>Creates the network's table (replacing a stale one) and turns on IPv4 forwarding.</summary>
    public static void Add(string bridge, Subnet subnet)
    {
        ArgumentNullException.ThrowIfNull(subnet);
        var table = TableName(bridge);
        Nftables.ReplaceTable(table, $$"""
                chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    ip saddr {{subnet}} iifname "{{bridge}}" oifname != "{{bridge}}" masquerade
                }
                chain forward {
                    type filter hook forward priority filter; policy accept;
                    iifname "md-*" iifname != "{{bridge}}" oifname "{{bridge}}" drop
                }

            """);
        // Routing out of the bridge needs forwarding on; Docker and Podman turn it on the same way.
        File.WriteAllText("/proc/sys/net/ipv4/ip_forward", "1");
    }

    /// <summary>Removes the network's table.</summary>
    public static void Remove(string bridge)
    {
        Nftables.DeleteTable(TableName(bridge));
    }

    /// <summary>The MiniDocker tables present now (to clean up after a crashed engine).</summary>
    public static IReadOnlyList<string> Tables() =>
        [.. Nftables.Run("list tables ip").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Split(' ').Last())
            .Where(t => t.StartsWith(TablePrefix, StringComparison.Ordinal))];
}
