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

    /// <summary>Gives the command a terminal of its own (from the container's devpts), as <c>docker exec -t</c> does; stdout and stderr then both come through it.</summary>
    public bool Tty { get; init; }

    /// <summary>Gives the command a stdin the host writes to (<see cref="ContainerExec.Stdin"/>), as <c>docker exec -i</c> does.</summary>
    public bool Stdin { get; init; }
}
