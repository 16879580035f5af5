namespace MiniDocker.Spec;

/// <summary>One range of a uid or gid map.</summary>
public sealed record IdMappingSpec
{
    /// <summary>The first id inside the container.</summary>
    public uint ContainerId { get; init; }

    /// <summary>The first id on the host.</summary>
    public uint HostId { get; init; }

    /// <summary>How many ids the range covers.</summary>
    public uint Size { get; init; }
}
