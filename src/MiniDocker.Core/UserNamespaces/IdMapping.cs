namespace MiniDocker.UserNamespaces;

/// <summary>One range of a user namespace's uid or gid map: container ids from <paramref name="ContainerId"/> are host ids from <paramref name="HostId"/>.</summary>
/// <param name="ContainerId">The first id inside the container.</param>
/// <param name="HostId">The first id on the host.</param>
/// <param name="Size">How many ids the range covers.</param>
public sealed record IdMapping(uint ContainerId, uint HostId, uint Size)
{
    /// <summary>The line /proc/&lt;pid&gt;/uid_map takes.</summary>
    public override string ToString() => $"{ContainerId} {HostId} {Size}";

    /// <summary>Whether <paramref name="id"/> (inside the container) is in this range.</summary>
    public bool Contains(uint id) => id >= ContainerId && id - ContainerId < Size;
}
