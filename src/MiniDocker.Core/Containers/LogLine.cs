namespace MiniDocker.Containers;

/// <summary>One line a container wrote, as its log keeps it.</summary>
/// <param name="Time">When the log monitor read it.</param>
/// <param name="Stream">stdout or stderr.</param>
/// <param name="Text">The text, with its newline (a line cut at 16 KiB or by the end of output has none).</param>
public sealed record LogLine(DateTimeOffset Time, ContainerOutput Stream, string Text)
{
    /// <summary>The line as <c>docker logs --timestamps</c> prints it.</summary>
    public string WithTimestamp => $"{Time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ} {Text}";
}
