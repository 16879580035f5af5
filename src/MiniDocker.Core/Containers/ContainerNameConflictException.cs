namespace MiniDocker.Containers;

/// <summary>A container with the requested name already exists in the engine's root directory.</summary>
public sealed class ContainerNameConflictException : MiniDockerException
{
    /// <summary>Creates the exception.</summary>
    public ContainerNameConflictException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ContainerNameConflictException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ContainerNameConflictException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a name held by another container.</summary>
    public ContainerNameConflictException(string name, string existingId)
        : base($"The container name \"{name}\" is already in use by container {existingId[..Math.Min(12, existingId.Length)]}. Remove (dispose) that container or choose another name.")
    {
        Name = name;
        ExistingId = existingId;
    }

    /// <summary>The name that clashed.</summary>
    public string? Name { get; }

    /// <summary>The id of the container that holds the name.</summary>
    public string? ExistingId { get; }
}
