using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MiniDocker.Images;

/// <summary>
/// Reads manifests, indexes and configurations, checking what the rest of the engine relies on. Documents are
/// parsed from the exact bytes their digest covers and never re-serialised, so a pushed manifest keeps its digest.
/// </summary>
public static class ImageDocuments
{
    private static readonly HashSet<string> LayerMediaTypes =
        [MediaTypes.OciLayerTar, MediaTypes.OciLayerTarGzip, MediaTypes.OciLayerTarZstd, MediaTypes.DockerLayerTarGzip];

    /// <summary>
    /// The media type of a manifest document: its own <c>mediaType</c> field, else the HTTP content type,
    /// else what its fields show (<c>manifests</c> for an index, <c>layers</c> for a manifest).
    /// </summary>
    /// <exception cref="ImageFormatException">The document is not JSON, or is neither a manifest nor an index.</exception>
    public static string DetectMediaType(ReadOnlySpan<byte> json, string? contentType = null)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("mediaType", out var field) && field.ValueKind == JsonValueKind.String)
                return field.GetString()!;
            if (MediaTypes.IsIndex(contentType) || MediaTypes.IsManifest(contentType))
                return contentType!;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("manifests", out _))
                return MediaTypes.OciIndex;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("layers", out _))
                return MediaTypes.OciManifest;
        }
        catch (JsonException e)
        {
            throw new ImageFormatException($"The manifest is not valid JSON ({e.Message}). The registry or archive served something else.", e);
        }
        throw new ImageFormatException("The document is neither an image manifest nor an index: it has no mediaType, manifests or layers.");
    }

    /// <summary>Reads a single image's manifest.</summary>
    /// <exception cref="ImageFormatException">It is malformed, or names layers of a kind MiniDocker cannot unpack.</exception>
    public static ImageManifest ParseManifest(ReadOnlySpan<byte> json)
    {
        var manifest = Deserialize(json, ImageJsonContext.Default.ImageManifest, "image manifest");
        RequireSchemaVersion2(manifest.SchemaVersion, "image manifest");
        // The types say "never null", but JSON can still write null or leave a field out.
        if (manifest.Config is not { Digest.Algorithm: not null })
            throw new ImageFormatException("The image manifest names no config digest. The image is malformed; rebuild or re-push it.");
        if (manifest.Layers is null || manifest.Layers.Any(l => l is not { Digest.Algorithm: not null }))
            throw new ImageFormatException("The image manifest has a layer without a digest. The image is malformed; rebuild or re-push it.");
        var unknown = manifest.Layers.Where(l => !LayerMediaTypes.Contains(l.MediaType)).Select(l => $"{l.Digest} ({l.MediaType})").ToList();
        if (unknown.Count > 0)
            throw new ImageFormatException(
                $"The image has layers MiniDocker cannot unpack: {string.Join(", ", unknown)}. Layers must be tar, tar+gzip or tar+zstd.");
        return manifest;
    }

    /// <summary>Reads an OCI image index or a Docker manifest list.</summary>
    /// <exception cref="ImageFormatException">It is malformed.</exception>
    public static ImageIndex ParseIndex(ReadOnlySpan<byte> json)
    {
        var index = Deserialize(json, ImageJsonContext.Default.ImageIndex, "image index");
        RequireSchemaVersion2(index.SchemaVersion, "image index");
        if (index.Manifests is null || index.Manifests.Any(m => m is not { Digest.Algorithm: not null }))
            throw new ImageFormatException("The image index has an entry without a digest. The image is malformed; rebuild or re-push it.");
        return index;
    }

    /// <summary>The JSON of a manifest the engine made (for a commit, an import or an export).</summary>
    internal static byte[] Serialize(ImageManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, ImageJsonContext.Default.ImageManifest);

    /// <summary>The JSON of a config the engine made.</summary>
    internal static byte[] Serialize(ImageConfig config) => JsonSerializer.SerializeToUtf8Bytes(config, ImageJsonContext.Default.ImageConfig);

    /// <summary>The JSON of an index the engine made.</summary>
    internal static byte[] Serialize(ImageIndex index) => JsonSerializer.SerializeToUtf8Bytes(index, ImageJsonContext.Default.ImageIndex);

    /// <summary>Reads an image configuration.</summary>
    /// <exception cref="ImageFormatException">It is malformed or its root filesystem is not made of layers.</exception>
    public static ImageConfig ParseConfig(ReadOnlySpan<byte> json)
    {
        var config = Deserialize(json, ImageJsonContext.Default.ImageConfig, "image configuration");
        if (config.RootFs is not { Type: "layers", DiffIds: not null })
            throw new ImageFormatException($"The image configuration's rootfs type is '{config.RootFs?.Type}', not 'layers'. The image is malformed.");
        return config;
    }

    private static T Deserialize<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type)
                ?? throw new ImageFormatException($"The {what} is JSON null. The image is malformed.");
        }
        catch (JsonException e)
        {
            throw new ImageFormatException($"The {what} is malformed: {e.Message} The image cannot be used; rebuild or re-push it.", e);
        }
    }

    private static void RequireSchemaVersion2(int version, string what)
    {
        if (version != 2)
            throw new ImageFormatException(
                $"The {what} has schemaVersion {version}; only 2 is supported (Docker schema 1 images are deprecated: re-push the image with a current tool).");
    }
}
