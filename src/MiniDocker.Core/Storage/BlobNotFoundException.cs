namespace MiniDocker.Storage;

/// <summary>The store does not hold a blob that was asked for.</summary>
public sealed class BlobNotFoundException : MiniDockerException
{
    /// <summary>Creates the exception for <paramref name="digest"/> missing from the store at <paramref name="root"/>.</summary>
    public BlobNotFoundException(Digest digest, string root)
        : base($"The blob {digest} is not in the store at {root}. Pull or import the image that contains it first.")
    {
        Digest = digest;
    }

    /// <summary>The digest that was asked for.</summary>
    public Digest Digest { get; }
}
