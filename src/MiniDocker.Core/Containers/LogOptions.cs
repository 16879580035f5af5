namespace MiniDocker.Containers;

/// <summary>Which lines of a container's log to read, as <c>docker logs</c> chooses them.</summary>
public sealed record LogOptions
{
    /// <summary>Only lines written at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only lines written before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only the last this many lines (of those the other options let through); all when null.</summary>
    public int? Tail { get; init; }

    /// <summary>Whether stdout lines are read.</summary>
    public bool Stdout { get; init; } = true;

    /// <summary>Whether stderr lines are read.</summary>
    public bool Stderr { get; init; } = true;

    internal bool Includes(LogLine line) =>
        (line.Stream == ContainerOutput.Stdout ? Stdout : Stderr)
        && (Since is null || line.Time >= Since)
        && (Until is null || line.Time < Until);
}
