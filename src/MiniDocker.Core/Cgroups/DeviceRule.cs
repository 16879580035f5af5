using System.Globalization;

namespace MiniDocker.Cgroups;

/// <summary>One entry of the device access list: which devices a container may open, read, write or create.</summary>
/// <param name="Allow">Allow (true) or deny (false).</param>
/// <param name="Type">'c' (character), 'b' (block) or 'a' (all).</param>
/// <param name="Major">The major number, or null for any.</param>
/// <param name="Minor">The minor number, or null for any.</param>
/// <param name="Access">Any of 'r' (read), 'w' (write), 'm' (mknod).</param>
public sealed record DeviceRule(bool Allow, char Type, long? Major, long? Minor, string Access)
{
    /// <summary>
    /// What Docker and runc allow by default: creating any device node (but not opening it), and
    /// using null, zero, full, random, urandom, tty, console, ptmx, the pts terminals and tun.
    /// </summary>
    public static IReadOnlyList<DeviceRule> DefaultAllowed { get; } =
    [
        new(true, 'c', null, null, "m"),
        new(true, 'b', null, null, "m"),
        new(true, 'c', 1, 3, "rwm"),
        new(true, 'c', 1, 5, "rwm"),
        new(true, 'c', 1, 7, "rwm"),
        new(true, 'c', 1, 8, "rwm"),
        new(true, 'c', 1, 9, "rwm"),
        new(true, 'c', 5, 0, "rwm"),
        new(true, 'c', 5, 1, "rwm"),
        new(true, 'c', 5, 2, "rwm"),
        new(true, 'c', 136, null, "rwm"),
        new(true, 'c', 10, 200, "rwm"),
    ];

    /// <summary>The line the v1 devices controller takes: "c 1:3 rwm".</summary>
    public override string ToString() =>
        Type == 'a' ? "a" : $"{Type} {Number(Major)}:{Number(Minor)} {Access}";

    private static string Number(long? n) => n is { } v ? v.ToString(CultureInfo.InvariantCulture) : "*";
}
