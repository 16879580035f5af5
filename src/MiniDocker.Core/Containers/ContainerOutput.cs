namespace MiniDocker.Containers;

/// <summary>One of a container's output streams.</summary>
public enum ContainerOutput
{
    /// <summary>Standard output (with a terminal: everything the terminal shows).</summary>
    Stdout,

    /// <summary>Standard error (empty with a terminal, which merges it into stdout).</summary>
    Stderr,
}
