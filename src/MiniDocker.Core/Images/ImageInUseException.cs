namespace MiniDocker.Images;

/// <summary>An image cannot be removed while a container uses it.</summary>
public sealed class ImageInUseException : MiniDockerException
{
    /// <summary>Creates the exception.</summary>
    public ImageInUseException(string image, IReadOnlyList<string> containers)
        : base($"The image {image} is used by container{(containers.Count == 1 ? "" : "s")} {string.Join(", ", containers.Select(c => c[..Math.Min(12, c.Length)]))}. Remove {(containers.Count == 1 ? "it" : "them")} first, or remove the image with force: true (its layers then stay until no container uses them).")
    {
        Containers = containers;
    }

    /// <summary>The ids of the containers using the image.</summary>
    public IReadOnlyList<string> Containers { get; }
}
