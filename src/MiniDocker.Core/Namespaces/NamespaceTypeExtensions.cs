namespace MiniDocker.Namespaces;

/// <summary>How each <see cref="NamespaceType"/> is named by the kernel and by the OCI runtime specification.</summary>
public static class NamespaceTypeExtensions
{
    /// <summary>The CLONE_NEW* flag that creates this kind of namespace.</summary>
    public static ulong CloneFlag(this NamespaceType type) => type switch
    {
        NamespaceType.Pid => 0x20000000,
        NamespaceType.Mount => 0x00020000,
        NamespaceType.Uts => 0x04000000,
        NamespaceType.Ipc => 0x08000000,
        NamespaceType.Network => 0x40000000,
        NamespaceType.Cgroup => 0x02000000,
        NamespaceType.User => 0x10000000,
        NamespaceType.Time => 0x00000080,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown namespace type."),
    };

    /// <summary>The suffix of the CLONE_NEW* constant: NS, PID, NET, UTS …</summary>
    public static string CloneName(this NamespaceType type) => type switch
    {
        NamespaceType.Mount => "NS",
        NamespaceType.Network => "NET",
        _ => type.ProcFileName().ToUpperInvariant(),
    };

    /// <summary>The file name under <c>/proc/&lt;pid&gt;/ns/</c>.</summary>
    public static string ProcFileName(this NamespaceType type) => type switch
    {
        NamespaceType.Pid => "pid",
        NamespaceType.Mount => "mnt",
        NamespaceType.Uts => "uts",
        NamespaceType.Ipc => "ipc",
        NamespaceType.Network => "net",
        NamespaceType.Cgroup => "cgroup",
        NamespaceType.User => "user",
        NamespaceType.Time => "time",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown namespace type."),
    };

    /// <summary>The name the OCI runtime specification uses in <c>linux.namespaces[].type</c>.</summary>
    public static string OciName(this NamespaceType type) => type switch
    {
        NamespaceType.Mount => "mount",
        NamespaceType.Network => "network",
        _ => type.ProcFileName(),
    };

    /// <summary>Parses an OCI namespace name ("pid", "network", "mount" ...).</summary>
    public static NamespaceType FromOciName(string name) => name switch
    {
        "pid" => NamespaceType.Pid,
        "mount" => NamespaceType.Mount,
        "uts" => NamespaceType.Uts,
        "ipc" => NamespaceType.Ipc,
        "network" => NamespaceType.Network,
        "cgroup" => NamespaceType.Cgroup,
        "user" => NamespaceType.User,
        "time" => NamespaceType.Time,
        _ => throw new ArgumentException($"'{name}' is not an OCI namespace type; use pid, mount, uts, ipc, network, cgroup, user or time.", nameof(name)),
    };
}
