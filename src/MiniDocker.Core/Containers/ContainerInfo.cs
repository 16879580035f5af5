namespace MiniDocker.Containers;

/// <summary>What the store knows of a container, whichever engine (in whichever process) started it.</summary>
public sealed record ContainerInfo
{
    /// <summary>The 64-hex-digit id.</summary>
    public required string Id { get; init; }

    /// <summary>The unique name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Running, paused or exited; <see cref="ContainerStatus.Unknown"/> when its state file cannot be read (see <see cref="Error"/>).</summary>
    public ContainerStatus Status { get; init; }

    /// <summary>The image it runs, as it was named, or null for a host directory.</summary>
    public string? Image { get; init; }

    /// <summary>The image's id.</summary>
    public string? ImageId { get; init; }

    /// <summary>The program and its arguments.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>When it was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>When its program started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Its exit code, once exited (null when it ended while no engine watched it).</summary>
    public int? ExitCode { get; init; }

    /// <summary>The host pid of its first process while it runs.</summary>
    public int? Pid { get; init; }

    /// <summary>Whether it outlives the process that started it.</summary>
    public bool Detached { get; init; }

    /// <summary>Whether it runs on a terminal (<see cref="ContainerBuilder.WithTty"/>): its output is raw bytes, not stdout and stderr apart.</summary>
    public bool Tty { get; init; }

    /// <summary>Whether its stdin is kept open for writing (<see cref="ContainerBuilder.WithStdin"/>).</summary>
    public bool OpenStdin { get; init; }

    /// <summary>The networks it is on, in the order it joined them (the first carries its default route).</summary>
    public IReadOnlyList<string> Networks { get; init; } = [];

    /// <summary>Its address on each network.</summary>
    public IReadOnlyDictionary<string, string> Addresses { get; init; } = new Dictionary<string, string>();

    /// <summary>The host ports it publishes.</summary>
    public IReadOnlyList<Networks.PublishedPort> Ports { get; init; } = [];

    /// <summary>Its labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Why its state could not be read, when <see cref="Status"/> is <see cref="ContainerStatus.Unknown"/>.</summary>
    public string? Error { get; init; }
}
