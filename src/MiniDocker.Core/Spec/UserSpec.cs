namespace MiniDocker.Spec;

/// <summary>The identity of a container process (<c>process.user</c>).</summary>
public sealed record UserSpec
{
    /// <summary>The user id.</summary>
    public uint Uid { get; init; }

    /// <summary>The primary group id.</summary>
    public uint Gid { get; init; }

    /// <summary>The file mode creation mask; Docker's 0022 when unset.</summary>
    public uint? Umask { get; init; }

    /// <summary>Supplementary group ids.</summary>
    public IList<uint> AdditionalGids { get; init; } = [];
}
