using MiniDocker.Spec;

namespace MiniDocker.Execution;

/// <summary>The devices and links every container's /dev has, as the OCI runtime specification requires.</summary>
internal static class DefaultDevices
{
    public static IReadOnlyList<DeviceSpec> Devices { get; } =
    [
        Char("/dev/null", 1, 3),
        Char("/dev/zero", 1, 5),
        Char("/dev/full", 1, 7),
        Char("/dev/random", 1, 8),
        Char("/dev/urandom", 1, 9),
        Char("/dev/tty", 5, 0),
    ];

    public static IReadOnlyList<(string Target, string Link)> Links { get; } =
    [
        ("/proc/self/fd", "/dev/fd"),
        ("/proc/self/fd/0", "/dev/stdin"),
        ("/proc/self/fd/1", "/dev/stdout"),
        ("/proc/self/fd/2", "/dev/stderr"),
        ("pts/ptmx", "/dev/ptmx"),
    ];

    private static DeviceSpec Char(string path, uint major, uint minor) =>
        new() { Path = path, Type = "c", Major = major, Minor = minor, FileMode = Convert.ToUInt32("666", 8) };
}
