namespace MiniDocker.Containers.Waiting;

/// <summary>A container did not become ready: which condition failed, why, and what it last wrote.</summary>
public sealed class ContainerNotReadyException : MiniDockerException
{
    /// <summary>Creates the exception.</summary>
    public ContainerNotReadyException(string container, string condition, string reason, IReadOnlyList<string> lastLogLines)
        : base($"Container {container} was not ready: waiting for {condition}, {reason}."
            + (lastLogLines.Count == 0 ? " It wrote nothing." : $" Its last log lines:\n  {string.Join("\n  ", lastLogLines)}"))
    {
        Condition = condition;
        LastLogLines = lastLogLines;
    }

    /// <summary>The condition that did not hold.</summary>
    public string Condition { get; }

    /// <summary>The container's last (up to ten) log lines.</summary>
    public IReadOnlyList<string> LastLogLines { get; }
}
