namespace MiniDocker.Spec;

/// <summary>One namespace entry (<c>linux.namespaces[]</c>).</summary>
public sealed record LinuxNamespaceSpec
{
    /// <summary>The OCI type name: pid, mount, uts, ipc, network, cgroup, user or time.</summary>
    public string Type { get; init; } = "";

    /// <summary>A namespace file to join instead of creating a new namespace.</summary>
    public string? Path { get; init; }
}
