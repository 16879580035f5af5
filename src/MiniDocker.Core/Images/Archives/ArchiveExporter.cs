using System.Formats.Tar;
using System.Text.Json;

namespace MiniDocker.Images.Archives;

/// <summary>
/// Writes images as one tar that is both an OCI image layout (<c>oci-layout</c>, <c>index.json</c>,
/// <c>blobs/</c>) and a <c>docker save</c> archive (<c>manifest.json</c> naming the same blobs), as
/// Docker 25 and later write it: <c>docker load</c>, <c>podman load</c>, skopeo and this engine all read it.
/// Blobs are copied byte for byte, so every digest survives.
/// </summary>
internal static class ArchiveExporter
{
    public static async Task ExportAsync(ImageStore store, IReadOnlyList<(Image Image, IReadOnlyList<string> Tags)> images, Stream destination, CancellationToken cancellationToken)
    {
        await using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        await WriteAsync(writer, "oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray(), cancellationToken).ConfigureAwait(false);

        var written = new HashSet<Storage.Digest>();
        foreach (var (image, _) in images)
        {
            foreach (var digest in new[] { image.ManifestDigest, image.Manifest.Config.Digest }.Concat(image.Manifest.Layers.Select(l => l.Digest)))
            {
                if (!written.Add(digest)) continue;
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"blobs/{digest.Algorithm}/{digest.Hex}") { Mode = (UnixFileMode)0x1a4 };
                await using var blob = store.Blobs.OpenRead(digest);
                entry.DataStream = blob;
                await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            }
        }

        var index = new ImageIndex
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciIndex,
            Manifests = [.. images.SelectMany(i => (i.Tags.Count == 0 ? [null] : i.Tags.Select(t => (string?)t)).Select(tag => new Descriptor
            {
                MediaType = MediaTypes.IsManifest(i.Image.Manifest.MediaType) ? i.Image.Manifest.MediaType! : MediaTypes.OciManifest,
                Digest = i.Image.ManifestDigest,
                Size = store.Blobs.GetSize(i.Image.ManifestDigest),
                Annotations = tag is null ? null : new Dictionary<string, string>
                {
                    ["io.containerd.image.name"] = tag,
                    ["org.opencontainers.image.ref.name"] = ImageReference.Parse(tag).Tag ?? "latest",
                },
            }))],
        };
        await WriteAsync(writer, "index.json", ImageDocuments.Serialize(index), cancellationToken).ConfigureAwait(false);

        List<DockerArchiveEntry> manifest = [.. images.Select(i => new DockerArchiveEntry
        {
            Config = BlobPath(i.Image.Manifest.Config.Digest),
            RepoTags = [.. i.Tags],
            Layers = [.. i.Image.Manifest.Layers.Select(l => BlobPath(l.Digest))],
        })];
        await WriteAsync(writer, "manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest, ImageJsonContext.Default.ListDockerArchiveEntry), cancellationToken).ConfigureAwait(false);
    }

    private static string BlobPath(Storage.Digest digest) => $"blobs/{digest.Algorithm}/{digest.Hex}";

    private static async Task WriteAsync(TarWriter writer, string name, byte[] content, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0x1a4, DataStream = new MemoryStream(content) };
        await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

}
