namespace MiniDocker.Spec;

/// <summary>A resource limit (<c>process.rlimits[]</c>).</summary>
public sealed record RlimitSpec
{
    /// <summary>The limit's name, such as <c>RLIMIT_NOFILE</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>The hard limit.</summary>
    public ulong Hard { get; init; }

    /// <summary>The soft limit.</summary>
    public ulong Soft { get; init; }
}
