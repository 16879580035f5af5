using static MiniDocker.Execution.MountFlags;

namespace MiniDocker.Execution;

/// <summary>mount(8)-style options split the way the kernel takes them: flags, attributes and a data string.</summary>
internal sealed record MountOptions(ulong Flags, ulong ClearedFlags, string Data, bool Bind, bool Recursive)
{
    private static readonly Dictionary<string, (ulong Set, ulong Clear)> FlagOptions = new(StringComparer.Ordinal)
    {
        ["ro"] = (MS_RDONLY, 0), ["rw"] = (0, MS_RDONLY),
        ["nosuid"] = (MS_NOSUID, 0), ["suid"] = (0, MS_NOSUID),
        ["nodev"] = (MS_NODEV, 0), ["dev"] = (0, MS_NODEV),
        ["noexec"] = (MS_NOEXEC, 0), ["exec"] = (0, MS_NOEXEC),
        ["sync"] = (MS_SYNCHRONOUS, 0), ["async"] = (0, MS_SYNCHRONOUS),
        ["dirsync"] = (MS_DIRSYNC, 0),
        ["noatime"] = (MS_NOATIME, 0), ["atime"] = (0, MS_NOATIME),
        ["nodiratime"] = (MS_NODIRATIME, 0), ["diratime"] = (0, MS_NODIRATIME),
        ["relatime"] = (MS_RELATIME, 0), ["norelatime"] = (0, MS_RELATIME),
        ["strictatime"] = (MS_STRICTATIME, 0), ["nostrictatime"] = (0, MS_STRICTATIME),
        ["lazytime"] = (MS_LAZYTIME, 0), ["nolazytime"] = (0, MS_LAZYTIME),
        ["mand"] = (MS_MANDLOCK, 0), ["nomand"] = (0, MS_MANDLOCK),
        ["defaults"] = (0, 0),
    };

    // Propagation of a single mount is a separate mount(2) call; the whole namespace is
    // already private, so these are accepted and need no action.
    private static readonly HashSet<string> PropagationOptions = new(StringComparer.Ordinal)
    {
        "private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable", "runbindable",
    };

    public static MountOptions Parse(IEnumerable<string> options)
    {
        ulong set = 0, clear = 0;
        bool bind = false, recursive = false;
        var data = new List<string>();
        foreach (var option in options)
        {
            if (FlagOptions.TryGetValue(option, out var flag))
            {
                set = (set & ~flag.Clear) | flag.Set;
                clear = (clear & ~flag.Set) | flag.Clear;
            }
            else if (option is "bind")
            {
                bind = true;
            }
            else if (option is "rbind")
            {
                bind = recursive = true;
            }
            else if (!PropagationOptions.Contains(option))
            {
                data.Add(option);
            }
        }
        return new MountOptions(set, clear, string.Join(',', data), bind, recursive);
    }

    /// <summary>The mount_setattr(2) attributes a bind mount gets for these flags.</summary>
    public ulong BindAttributes()
    {
        ulong attributes = 0;
        if ((Flags & MS_RDONLY) != 0) attributes |= MOUNT_ATTR_RDONLY;
        if ((Flags & MS_NOSUID) != 0) attributes |= MOUNT_ATTR_NOSUID;
        if ((Flags & MS_NODEV) != 0) attributes |= MOUNT_ATTR_NODEV;
        if ((Flags & MS_NOEXEC) != 0) attributes |= MOUNT_ATTR_NOEXEC;
        if ((Flags & MS_NOATIME) != 0) attributes |= MOUNT_ATTR_NOATIME;
        if ((Flags & MS_STRICTATIME) != 0) attributes |= MOUNT_ATTR_STRICTATIME;
        if ((Flags & MS_NODIRATIME) != 0) attributes |= MOUNT_ATTR_NODIRATIME;
        return attributes;
    }
}
