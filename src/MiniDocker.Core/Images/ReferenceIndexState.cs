using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>The contents of <c>references.json</c>: images by manifest digest, and the tags that point at them.</summary>
internal sealed record ReferenceIndexState
{
    public Dictionary<string, ImageRecord> Images { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, Digest> Tags { get; init; } = new(StringComparer.Ordinal);
}
