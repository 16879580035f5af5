namespace MiniDocker.Containers;

/// <summary>How a container's first process ended.</summary>
/// <param name="ExitCode">The exit code as Docker reports it: the process's own, or 128 plus the signal that killed it.</param>
/// <param name="Signal">The signal that killed the process, or null when it exited by itself.</param>
/// <param name="OomKilled">Whether the kernel's OOM killer ended it.</param>
/// <param name="ExitedAt">When the engine saw it end.</param>
public sealed record ContainerExit(int ExitCode, Signal? Signal, bool OomKilled, DateTimeOffset ExitedAt)
{
    /// <inheritdoc />
    public override string ToString() =>
        Signal is { } signal ? $"killed by {signal} (exit code {ExitCode})" : $"exit code {ExitCode}";
}
