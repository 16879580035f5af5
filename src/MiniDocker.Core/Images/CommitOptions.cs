namespace MiniDocker.Images;

/// <summary>What <see cref="ImageStore.CommitAsync"/> records besides the container's changes.</summary>
public sealed record CommitOptions
{
    /// <summary>The image's author.</summary>
    public string? Author { get; init; }

    /// <summary>A comment for the new layer's history entry.</summary>
    public string? Comment { get; init; }

    /// <summary>New defaults for the image's containers (entrypoint, command, environment...); the base image's when null.</summary>
    public ImageRuntimeConfig? Config { get; init; }

    /// <summary>Whether a running container is frozen while its changes are read, as <c>docker commit</c> does by default.</summary>
    public bool Pause { get; init; } = true;
}
