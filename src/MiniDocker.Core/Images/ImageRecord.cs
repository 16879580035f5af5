using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>What the reference index keeps of an image besides its blobs.</summary>
internal sealed record ImageRecord
{
    public Digest ManifestDigest { get; init; }

    public string MediaType { get; init; } = MediaTypes.OciManifest;

    public List<string> RepoDigests { get; init; } = [];

    public DateTimeOffset Added { get; init; }
}
