namespace MiniDocker.Spec;

/// <summary>Linux-specific container configuration (<c>linux</c>).</summary>
public sealed record LinuxSpec
{
    /// <summary>The namespaces to create, or to join when a path is given.</summary>
    public IList<LinuxNamespaceSpec> Namespaces { get; init; } = [];

    /// <summary>User id mappings for a user namespace.</summary>
    public IList<IdMappingSpec> UidMappings { get; init; } = [];

    /// <summary>Group id mappings for a user namespace.</summary>
    public IList<IdMappingSpec> GidMappings { get; init; } = [];

    /// <summary>Device nodes created in <c>/dev</c> beyond the defaults every container gets.</summary>
    public IList<DeviceSpec> Devices { get; init; } = [];

    /// <summary>Paths made unreadable inside the container.</summary>
    public IList<string> MaskedPaths { get; init; } = [];

    /// <summary>Paths made read-only inside the container.</summary>
    public IList<string> ReadonlyPaths { get; init; } = [];

    /// <summary>The seccomp filter; null runs the container unconfined.</summary>
    public LinuxSeccompSpec? Seccomp { get; init; }

    /// <summary>Resource limits applied through the container's cgroup.</summary>
    public LinuxResourcesSpec? Resources { get; init; }

    /// <summary>Mount propagation of the container's mount namespace: <c>private</c> (default), <c>rprivate</c>, <c>slave</c>, <c>rslave</c>.</summary>
    public string? RootfsPropagation { get; init; }
}
