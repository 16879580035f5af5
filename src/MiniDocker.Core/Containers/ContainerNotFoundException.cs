namespace MiniDocker.Containers;

/// <summary>No container goes by the id, id prefix or name given.</summary>
public sealed class ContainerNotFoundException : MiniDockerException
{
    /// <summary>Creates the exception.</summary>
    public ContainerNotFoundException(string idOrName, string? detail = null)
        : base($"No such container: {idOrName}{(detail is null ? "" : $" ({detail})")}. List them with engine.Containers.ListAsync(all: true).")
    {
        IdOrName = idOrName;
    }

    /// <summary>What was looked for.</summary>
    public string IdOrName { get; }
}
