namespace MiniDocker.Execution;

/// <summary>Engine-level choices the OCI specification has no field for.</summary>
/// <param name="Init">Keep stage-0 as PID 1 to reap zombies and forward signals.</param>
/// <param name="DieWithHost">Kill the container when the host process dies (not detached).</param>
/// <param name="CgroupDirectory">A cgroup v2 directory to clone the child into; null when the host joins it to its cgroup instead.</param>
/// <param name="Landlock">A Landlock policy to confine the container's processes with.</param>
/// <param name="Log">Where a log monitor writes the container's stdout and stderr (json-file lines); null keeps stdio as given.</param>
/// <param name="RootfsFromHost">The host passes the root filesystem as a mount tree (an image's overlay) after "go".</param>
/// <param name="Monitor">Stage-0 stays as the container's parent and records its exit there (a detached container); null leaves the host its parent.</param>
/// <param name="JoinCgroup">Stage-0 moves itself into the container's cgroup (v1) before the clone; null when the host joins the child instead.</param>
internal sealed record SpawnOptions(bool Init, bool DieWithHost, string? CgroupDirectory = null, Security.Landlock.LandlockPolicy? Landlock = null,
    bool RootfsFromHost = false, LogStep? Log = null, MonitorStep? Monitor = null, JoinCgroupStep? JoinCgroup = null);
