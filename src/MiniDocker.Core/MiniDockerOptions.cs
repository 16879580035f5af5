namespace MiniDocker;

/// <summary>Settings of a <see cref="Containers.ContainerEngine"/>.</summary>
public sealed class MiniDockerOptions
{
    /// <summary>
    /// Where the engine keeps container state and logs: <c>/var/lib/minidocker</c> for root,
    /// <c>$XDG_DATA_HOME/minidocker</c> (or <c>~/.local/share/minidocker</c>) otherwise.
    /// </summary>
    public string RootDirectory { get; set; } = DefaultRootDirectory();

    /// <summary>
    /// The cgroup under which each container gets its own, relative to the cgroup the host
    /// process is in (the part of the hierarchy it may manage).
    /// </summary>
    public string CgroupParent { get; set; } = "/minidocker";

    /// <summary>
    /// Whether a container with its own user namespace sees its rootfs through an idmapped mount
    /// (image files owned by host root belong to the container's root). Where the filesystem
    /// cannot be idmapped, or when this is false, host-owned files show as the overflow uid.
    /// </summary>
    public bool IdmappedRootfs { get; set; } = true;

    /// <summary>How long <c>StopAsync</c> waits after SIGTERM before it sends SIGKILL, when the caller gives no time; Docker's 10 s.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How containers' root filesystems are made from images: overlayfs where the kernel has it, copies otherwise.</summary>
    public Layers.StorageDriver StorageDriver { get; set; } = Layers.StorageDriver.Auto;

    /// <summary>How images are pulled and pushed: credentials, insecure registries, platform, retries.</summary>
    public Registry.RegistryOptions Registry { get; set; } = new();

    private static string DefaultRootDirectory()
    {
        if (Environment.UserName == "root" || Tmds.Linux.LibC.geteuid() == 0) return "/var/lib/minidocker";
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(data))
            data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "minidocker");
    }
}
