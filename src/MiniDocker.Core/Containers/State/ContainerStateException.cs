namespace MiniDocker.Containers.State;

/// <summary>A container's state file is missing, truncated or corrupt; other containers are not affected.</summary>
public sealed class ContainerStateException : MiniDockerException
{
    /// <summary>Creates the exception.</summary>
    public ContainerStateException(string containerId, string message, Exception? innerException = null) : base(message, innerException!)
    {
        ContainerId = containerId;
    }

    /// <summary>The container whose state could not be read.</summary>
    public string ContainerId { get; }
}
