namespace MiniDocker.Containers;

/// <summary>How <see cref="Container.ExecAsync"/> runs a command; unset values come from the container.</summary>
public sealed record ExecOptions
{
    /// <summary>Variables added to (or replacing) the container's environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The working directory inside the container.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>The user id; with it, <see cref="Gid"/> and <see cref="Groups"/> apply.</summary>
    public uint? Uid { get; init; }

    /// <summary>The group id.</summary>
    public uint Gid { get; init; }

    /// <summary>Supplementary groups.</summary>
    public IReadOnlyList<uint> Groups { get; init; } = [];
}
