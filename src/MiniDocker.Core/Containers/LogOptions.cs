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

    /// <summary>The lines these options choose, oldest first: the streams and times asked for, then the last <see cref="Tail"/>.</summary>
    internal List<LogLine> Select(IEnumerable<LogLine> lines)
    {
        var selected = lines.Where(Includes).ToList();
        if (Tail is { } tail && selected.Count > tail) selected.RemoveRange(0, selected.Count - tail);
        return selected;
    }

    internal bool Includes(LogLine line) =>
        (line.Stream == ContainerOutput.Stdout ? Stdout : Stderr)
        && (Since is null || line.Time >= Since)
        && (Until is null || line.Time < Until);
}
