using System.Globalization;

namespace MiniDocker.Cgroups;

/// <summary>The CPUs and memory nodes this host has online, to check limits against.</summary>
internal sealed record HostResources(IReadOnlySet<int> Cpus, IReadOnlySet<int> MemoryNodes)
{
    private static readonly Lazy<HostResources> LazyCurrent = new(Read);

    public static HostResources Current => LazyCurrent.Value;

    private static HostResources Read()
    {
        var cpus = ParseList(File.ReadAllText("/sys/devices/system/cpu/online").Trim());
        const string nodes = "/sys/devices/system/node/online";
        var mems = File.Exists(nodes) ? ParseList(File.ReadAllText(nodes).Trim()) : new HashSet<int> { 0 };
        return new HostResources(cpus, mems);
    }

    /// <summary>Parses the kernel's list format ("0-3,5,7-8").</summary>
    /// <exception cref="FormatException">The text is not in that format.</exception>
    public static HashSet<int> ParseList(string text)
    {
        var result = new HashSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-');
            if (range.Length is < 1 or > 2
                || !int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !int.TryParse(range[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || last < first)
                throw new FormatException($"\"{text}\" is not a list like 0-3,5.");
            for (int i = first; i <= last; i++) result.Add(i);
        }
        if (result.Count == 0) throw new FormatException($"\"{text}\" names no CPU or node.");
        return result;
    }
}
