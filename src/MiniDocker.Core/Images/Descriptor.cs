using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>A reference to content by media type, digest and size: how manifests point at configs, layers and other manifests.</summary>
public sealed record Descriptor
{
    /// <summary>What the content is, such as <see cref="MediaTypes.OciLayerTarGzip"/>.</summary>
    public string MediaType { get; init; } = "";

    /// <summary>The content's digest.</summary>
    public Digest Digest { get; init; }

    /// <summary>The content's exact size in bytes; a transfer of any other length is refused.</summary>
    public long Size { get; init; }

    /// <summary>The platform, for an entry of an index.</summary>
    public Platform? Platform { get; init; }

    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
