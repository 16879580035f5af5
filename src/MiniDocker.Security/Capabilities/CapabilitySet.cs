using System.Globalization;
using System.Numerics;
using System.Text;

namespace MiniDocker.Security.Capabilities;

/// <summary>An immutable set of capabilities, over every capability this kernel knows.</summary>
public sealed class CapabilitySet : IEquatable<CapabilitySet>
{
    private static readonly Lazy<int> LazyLastCap = new(ReadLastCap);

    private CapabilitySet(ulong mask) => Mask = mask;

    /// <summary>The empty set.</summary>
    public static CapabilitySet None { get; } = new(0);

    /// <summary>Every capability this kernel knows (0 to <c>/proc/sys/kernel/cap_last_cap</c>).</summary>
    public static CapabilitySet All => new(LastCap >= 63 ? ulong.MaxValue : (1UL << (LastCap + 1)) - 1);

    /// <summary>
    /// The capabilities Docker gives a container by default: enough to run most programs as root
    /// (change owners, bind low ports, ping), nothing that administers the host.
    /// </summary>
    public static CapabilitySet DockerDefault { get; } = Of(
        Capability.Chown, Capability.DacOverride, Capability.Fsetid, Capability.Fowner, Capability.Mknod,
        Capability.NetRaw, Capability.Setgid, Capability.Setuid, Capability.Setfcap, Capability.Setpcap,
        Capability.NetBindService, Capability.SysChroot, Capability.Kill, Capability.AuditWrite);

    /// <summary>The highest capability number the running kernel knows.</summary>
    public static int LastCap => LazyLastCap.Value;

    /// <summary>The set as a bit mask (bit n is capability n), as capget(2) and /proc/&lt;pid&gt;/status show it.</summary>
    public ulong Mask { get; }

    /// <summary>How many capabilities the set holds.</summary>
    public int Count => BitOperations.PopCount(Mask);

    /// <summary>The capabilities in the set, in number order.</summary>
    public IEnumerable<Capability> Members => Enumerable.Range(0, 64).Where(i => (Mask & (1UL << i)) != 0).Select(i => (Capability)i);

    /// <summary>A set of the given capabilities.</summary>
    public static CapabilitySet Of(params Capability[] capabilities) =>
        new(capabilities.Aggregate(0UL, (mask, c) => mask | Bit(c)));

    /// <summary>A set from a bit mask such as the CapEff line of /proc/&lt;pid&gt;/status.</summary>
    public static CapabilitySet FromMask(ulong mask) => new(mask);

    /// <summary>Parses a name as Docker and the OCI specification write it: <c>CAP_NET_RAW</c>, <c>NET_RAW</c> or <c>net_raw</c>.</summary>
    /// <exception cref="FormatException">No capability has that name.</exception>
    public static Capability Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bare = name.Trim().ToUpperInvariant();
        if (bare.StartsWith("CAP_", StringComparison.Ordinal)) bare = bare[4..];
        var pascal = string.Concat(bare.Split('_').Select(p => p.Length == 0 ? p : p[0] + p[1..].ToLowerInvariant()));
        return Enum.TryParse<Capability>(pascal, ignoreCase: false, out var capability) && Enum.IsDefined(capability)
            ? capability
            : throw new FormatException($"\"{name}\" is not a Linux capability; use names such as CAP_NET_RAW or NET_ADMIN.");
    }

    /// <summary>The kernel's name of a capability: <c>CAP_NET_RAW</c>.</summary>
    public static string KernelName(Capability capability)
    {
        var text = capability.ToString();
        var name = new StringBuilder("CAP_");
        for (int i = 0; i < text.Length; i++)
        {
            if (i > 0 && char.IsUpper(text[i])) name.Append('_');
            name.Append(char.ToUpperInvariant(text[i]));
        }
        return name.ToString();
    }

    /// <summary>Whether the set holds <paramref name="capability"/>.</summary>
    public bool Contains(Capability capability) => (Mask & Bit(capability)) != 0;

    /// <summary>This set plus <paramref name="capabilities"/>.</summary>
    public CapabilitySet With(params Capability[] capabilities) => new(Mask | Of(capabilities).Mask);

    /// <summary>This set without <paramref name="capabilities"/>.</summary>
    public CapabilitySet Without(params Capability[] capabilities) => new(Mask & ~Of(capabilities).Mask);

    /// <summary>The capabilities in both sets.</summary>
    public CapabilitySet Intersect(CapabilitySet other) => new(Mask & (other ?? throw new ArgumentNullException(nameof(other))).Mask);

    /// <inheritdoc />
    public bool Equals(CapabilitySet? other) => other is not null && other.Mask == Mask;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CapabilitySet);

    /// <inheritdoc />
    public override int GetHashCode() => Mask.GetHashCode();

    /// <summary>The kernel names, comma-separated.</summary>
    public override string ToString() => Count == 0 ? "(none)" : string.Join(", ", Members.Select(KernelName));

    private static ulong Bit(Capability capability)
    {
        int n = (int)capability;
        return n is >= 0 and < 64 ? 1UL << n : throw new ArgumentOutOfRangeException(nameof(capability), capability, "Capability numbers go from 0 to 63.");
    }

    private static int ReadLastCap()
    {
        const string path = "/proc/sys/kernel/cap_last_cap";
        return File.Exists(path) ? int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture) : (int)Capability.CheckpointRestore;
    }
}
