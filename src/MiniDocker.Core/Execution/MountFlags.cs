namespace MiniDocker.Execution;

/// <summary>mount(2) flags and mount_setattr(2) attributes, and how they read.</summary>
internal static class MountFlags
{
    public const ulong MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
        MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOATIME = 1024, MS_NODIRATIME = 2048,
        MS_BIND = 4096, MS_REC = 16384, MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19,
        MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24, MS_LAZYTIME = 1 << 25;

    public const ulong MOUNT_ATTR_RDONLY = 0x1, MOUNT_ATTR_NOSUID = 0x2, MOUNT_ATTR_NODEV = 0x4,
        MOUNT_ATTR_NOEXEC = 0x8, MOUNT_ATTR_NOATIME = 0x10, MOUNT_ATTR_STRICTATIME = 0x20,
        MOUNT_ATTR_NODIRATIME = 0x80;

    private static readonly (ulong Flag, string Name)[] MsNames =
    [
        (MS_RDONLY, "MS_RDONLY"), (MS_NOSUID, "MS_NOSUID"), (MS_NODEV, "MS_NODEV"), (MS_NOEXEC, "MS_NOEXEC"),
        (MS_SYNCHRONOUS, "MS_SYNCHRONOUS"), (MS_REMOUNT, "MS_REMOUNT"), (MS_MANDLOCK, "MS_MANDLOCK"),
        (MS_DIRSYNC, "MS_DIRSYNC"), (MS_NOATIME, "MS_NOATIME"), (MS_NODIRATIME, "MS_NODIRATIME"),
        (MS_BIND, "MS_BIND"), (MS_REC, "MS_REC"), (MS_UNBINDABLE, "MS_UNBINDABLE"), (MS_PRIVATE, "MS_PRIVATE"),
        (MS_SLAVE, "MS_SLAVE"), (MS_SHARED, "MS_SHARED"), (MS_RELATIME, "MS_RELATIME"),
        (MS_STRICTATIME, "MS_STRICTATIME"), (MS_LAZYTIME, "MS_LAZYTIME"),
    ];

    private static readonly (ulong Flag, string Name)[] AttrNames =
    [
        (MOUNT_ATTR_RDONLY, "MOUNT_ATTR_RDONLY"), (MOUNT_ATTR_NOSUID, "MOUNT_ATTR_NOSUID"),
        (MOUNT_ATTR_NODEV, "MOUNT_ATTR_NODEV"), (MOUNT_ATTR_NOEXEC, "MOUNT_ATTR_NOEXEC"),
        (MOUNT_ATTR_NOATIME, "MOUNT_ATTR_NOATIME"), (MOUNT_ATTR_STRICTATIME, "MOUNT_ATTR_STRICTATIME"),
        (MOUNT_ATTR_NODIRATIME, "MOUNT_ATTR_NODIRATIME"),
    ];

    public static string DescribeMs(ulong flags) => Describe(flags, MsNames);

    public static string DescribeAttributes(ulong attributes) => Describe(attributes, AttrNames);

    private static string Describe(ulong flags, (ulong Flag, string Name)[] names)
    {
        if (flags == 0) return "0";
        var parts = names.Where(n => (flags & n.Flag) != 0).Select(n => n.Name).ToList();
        var unknown = flags & ~names.Aggregate(0UL, (all, n) => all | n.Flag);
        if (unknown != 0) parts.Add($"0x{unknown:x}");
        return string.Join('|', parts);
    }
}
