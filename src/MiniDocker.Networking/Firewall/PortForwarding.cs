using System.Globalization;
using System.Text;

namespace MiniDocker.Networking.Firewall;

/// <summary>
/// Published ports as nftables DNAT rules, in a table per owner (a container): they keep working
/// with no process of ours alive, which a container that outlives its engine needs. Connections
/// to the host's own addresses are redirected in the output hook, and those from 127.0.0.1 are
/// masqueraded (with route_localnet on the bridge) so the container can answer them; a container
/// reaching a published port through the host is masqueraded too, so its replies come back the
/// same way (hairpin).
/// </summary>
public static class PortForwarding
{
    /// <summary>The table prefix; it starts with <see cref="NetworkFirewall.TablePrefix"/>.</summary>
    public const string TablePrefix = NetworkFirewall.TablePrefix + "port_";

    /// <summary>The name of an owner's table.</summary>
    public static string TableName(string owner) => TablePrefix + owner;

    /// <summary>Creates (or replaces) the owner's table with rules for <paramref name="ports"/>, all into one bridge.</summary>
    /// <exception cref="FirewallException">nftables refused the rules.</exception>
    public static void Add(string owner, string bridge, IReadOnlyList<ForwardedPort> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var table = TableName(owner);
        var dnat = new StringBuilder();
        var masquerade = new StringBuilder();
        foreach (var port in ports)
        {
            var protocol = port.Udp ? "udp" : "tcp";
            var destination = port.HostAddress is { } address && !address.Equals(System.Net.IPAddress.Any) ? $"ip daddr {address}" : "fib daddr type local";
            dnat.Append(CultureInfo.InvariantCulture, $"        {destination} {protocol} dport {port.HostPort} dnat to {port.Target}:{port.TargetPort}\n");
            // Only these are masqueraded: a client from elsewhere keeps its address, as with Docker.
            // Another container routed through the host, and the container itself (whose frame the
            // bridge sends back bridged, not routed, when bridge netfilter is on): both would get
            // the answer from the container's address instead of the one they called.
            var toContainer = $"ip daddr {port.Target} {protocol} dport {port.TargetPort} ct status dnat";
            masquerade.Append(CultureInfo.InvariantCulture, $"        ip saddr 127.0.0.0/8 {toContainer} oifname \"{bridge}\" masquerade\n");
            masquerade.Append(CultureInfo.InvariantCulture, $"        iifname \"{bridge}\" {toContainer} oifname \"{bridge}\" masquerade\n");
            masquerade.Append(CultureInfo.InvariantCulture, $"        ip saddr {port.Target} {toContainer} masquerade\n");
        }
        Nftables.ReplaceTable(table, $$"""
                chain prerouting {
                    type nat hook prerouting priority dstnat; policy accept;
            {{dnat}}    }
                chain output {
                    type nat hook output priority -100; policy accept;
            {{dnat}}    }
                chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
            {{masquerade}}    }

            """);
        // A packet from 127.0.0.1 may leave through the bridge only with route_localnet (Docker sets it the same way).
        File.WriteAllText($"/proc/sys/net/ipv4/conf/{bridge}/route_localnet", "1");
    }

    /// <summary>Removes the owner's table, if there is one.</summary>
    public static void Remove(string owner)
    {
        Nftables.DeleteTable(TableName(owner));
    }
}
