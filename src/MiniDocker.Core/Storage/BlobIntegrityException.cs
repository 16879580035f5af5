namespace MiniDocker.Storage;

/// <summary>Content did not match the digest or size it was given under; nothing was stored.</summary>
public sealed class BlobIntegrityException : MiniDockerException
{
    /// <summary>Creates the exception.</summary>
    public BlobIntegrityException(string message) : base(message)
    {
    }

    /// <summary>The digest the content was expected to have.</summary>
    public Digest Expected { get; init; }
}
