using System.Text;

namespace MiniDocker.Networks;

/// <summary>A container's /etc/resolv.conf: the host's nameservers that are reachable from another network namespace.</summary>
internal static class ResolvConf
{
    /// <summary>The given nameservers, or the host's when none are given.</summary>
    public static string For(IReadOnlyList<string> nameservers) =>
        nameservers.Count == 0
            ? FromHost()
            : "# Written by MiniDocker\n" + string.Concat(nameservers.Select(n => $"nameserver {n}\n"));

    public static string FromHost(string hostFile = "/etc/resolv.conf")
    {
        var text = new StringBuilder("# Written by MiniDocker from the host's resolv.conf\n");
        if (!File.Exists(hostFile)) return text.ToString();
        foreach (var line in File.ReadAllLines(hostFile))
        {
            var trimmed = line.Trim();
            // A loopback resolver (systemd-resolved, dnsmasq) listens in the host's namespace only.
            if (trimmed.StartsWith("nameserver", StringComparison.Ordinal)
                && (trimmed.Contains(" 127.", StringComparison.Ordinal) || trimmed.EndsWith(" ::1", StringComparison.Ordinal)))
                continue;
            if (trimmed.StartsWith("nameserver", StringComparison.Ordinal) || trimmed.StartsWith("search", StringComparison.Ordinal)
                || trimmed.StartsWith("options", StringComparison.Ordinal))
                text.Append(trimmed).Append('\n');
        }
        return text.ToString();
    }
}
