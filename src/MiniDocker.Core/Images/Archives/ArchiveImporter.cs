using System.Text.Json;
using MiniDocker.Storage;

namespace MiniDocker.Images.Archives;

/// <summary>
/// Loads OCI image layouts (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/</c>) and <c>docker save</c>
/// archives (<c>manifest.json</c>, old and new style) into the store. Blobs named by digest are
/// verified as they are stored; layers are verified against the config's diff ids as they are
/// unpacked. A failure takes back everything the import added.
/// </summary>
internal sealed class ArchiveImporter(ImageStore store)
{
    private const string ContainerdNameAnnotation = "io.containerd.image.name";
    private const string OciRefNameAnnotation = "org.opencontainers.image.ref.name";
    private const long MaxDocumentBytes = 16 << 20;

    private readonly Dictionary<string, (Digest Digest, long Size)> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _documents = new(StringComparer.Ordinal);
    private readonly HashSet<Digest> _added = [];

    public async Task<IReadOnlyList<Image>> ImportAsync(IEnumerable<ArchiveFile> files, ImageReference? name, CancellationToken cancellationToken)
    {
        using var hold = await store.HoldAgainstCollectionAsync(cancellationToken).ConfigureAwait(false);
        var changes = store.BeginChanges();
        try
        {
            foreach (var file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await StoreAsync(file, changes, cancellationToken).ConfigureAwait(false);
            }
            var manifests = _documents.TryGetValue("index.json", out var index) ? FromIndex(index, name)
                : _documents.TryGetValue("manifest.json", out var dockerManifest) ? FromDockerManifest(dockerManifest, name)
                : throw new ImageFormatException("The archive has neither index.json (an OCI image layout) nor manifest.json (docker save); it is not an image archive.");
            var images = new List<Image>();
            foreach (var (json, tags) in manifests)
                images.Add(await store.AddAsync(json, tags, null, changes, cancellationToken).ConfigureAwait(false));
            var used = images.SelectMany(i => new[] { i.ManifestDigest, i.Manifest.Config.Digest }.Concat(i.Manifest.Layers.Select(l => l.Digest))).ToHashSet();
            // Files the images did not need (old-style layer json) were stored only to be hashed.
            foreach (var digest in _added.Where(d => !used.Contains(d))) store.Blobs.Delete(digest);
            return images;
        }
        catch
        {
            changes.Undo();
            throw;
        }
    }

    private async Task StoreAsync(ArchiveFile file, StoreChanges changes, CancellationToken cancellationToken)
    {
        if (file.Path is "index.json" or "manifest.json" or "oci-layout" or "repositories")
        {
            if (file.Size > MaxDocumentBytes)
                throw new ImageFormatException($"The archive's {file.Path} is {file.Size} bytes; that is not an image archive's metadata.");
            using var buffer = new MemoryStream();
            await file.Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            _documents[file.Path] = buffer.ToArray();
            return;
        }
        var parts = file.Path.Split('/');
        if (parts is ["blobs", var algorithm, var hex] && Digest.TryParse($"{algorithm}:{hex}", out var named))
        {
            if (await store.Blobs.PutAsync(named, file.Content, file.Size, cancellationToken).ConfigureAwait(false)) Added(named, changes);
            _files[file.Path] = (named, file.Size);
            return;
        }
        if (!(file.Path.EndsWith(".tar", StringComparison.Ordinal) || file.Path.EndsWith(".json", StringComparison.Ordinal))) return;
        var (digest, added) = await store.Blobs.PutNewAsync(file.Content, cancellationToken).ConfigureAwait(false);
        if (added) Added(digest, changes);
        _files[file.Path] = (digest, file.Size);
    }

    private void Added(Digest digest, StoreChanges changes)
    {
        _added.Add(digest);
        changes.BlobAdded(digest);
    }

    private List<(byte[] Json, IReadOnlyList<ImageReference> Tags)> FromIndex(byte[] indexJson, ImageReference? name)
    {
        var result = new List<(byte[], IReadOnlyList<ImageReference>)>();
        foreach (var descriptor in ImageDocuments.ParseIndex(indexJson).Manifests)
        {
            var json = File.ReadAllBytes(RequireBlob(descriptor.Digest));
            if (MediaTypes.IsIndex(ImageDocuments.DetectMediaType(json, descriptor.MediaType)))
            {
                var nested = ImageDocuments.ParseIndex(json).SelectManifest(Platform.Current);
                json = File.ReadAllBytes(RequireBlob(nested.Digest));
            }
            result.Add((json, TagsOf(descriptor, name)));
        }
        return result;
    }

    /// <summary>The caller's name wins; else the name the layout gives (containerd's full name, or the OCI tag).</summary>
    private static List<ImageReference> TagsOf(Descriptor descriptor, ImageReference? name)
    {
        if (name is not null) return [name];
        var annotations = descriptor.Annotations ?? new Dictionary<string, string>();
        if (annotations.TryGetValue(ContainerdNameAnnotation, out var full) && ImageReference.TryParse(full) is { } parsed) return [parsed];
        if (annotations.TryGetValue(OciRefNameAnnotation, out var refName))
        {
            if (refName.Contains('/') && ImageReference.TryParse(refName) is { } named) return [named];
        }
        return [];
    }

    private List<(byte[] Json, IReadOnlyList<ImageReference> Tags)> FromDockerManifest(byte[] json, ImageReference? name)
    {
        List<DockerArchiveEntry>? entries;
        try
        {
            entries = JsonSerializer.Deserialize(json, ImageJsonContext.Default.ListDockerArchiveEntry);
        }
        catch (JsonException e)
        {
            throw new ImageFormatException($"The archive's manifest.json is not valid ({e.Message}).", e);
        }
        var result = new List<(byte[], IReadOnlyList<ImageReference>)>();
        foreach (var entry in entries ?? [])
        {
            var config = ArchivedFile(entry.Config);
            var manifest = new ImageManifest
            {
                SchemaVersion = 2,
                MediaType = MediaTypes.OciManifest,
                Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = config.Digest, Size = config.Size },
                Layers = [.. entry.Layers.Select(path =>
                {
                    var layer = ArchivedFile(path);
                    return new Descriptor { MediaType = LayerMediaType(layer.Digest), Digest = layer.Digest, Size = layer.Size };
                })],
            };
            IReadOnlyList<ImageReference> tags = entry.RepoTags is { Count: > 0 } repoTags
                ? [.. repoTags.Select(t => ImageReference.TryParse(t) ?? throw new ImageFormatException($"The archive tags an image \"{t}\", which is not a valid reference."))]
                : name is null ? [] : [name];
            result.Add((ImageDocuments.Serialize(manifest), tags));
        }
        return result;
    }

    private (Digest Digest, long Size) ArchivedFile(string path) =>
        _files.TryGetValue(path.TrimStart('.', '/'), out var file) ? file
            : throw new ImageFormatException($"The archive's manifest.json names {path}, which the archive does not contain.");

    private string LayerMediaType(Digest digest)
    {
        using var stream = store.Blobs.OpenRead(digest);
        Span<byte> magic = stackalloc byte[2];
        return stream.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? MediaTypes.OciLayerTarGzip : MediaTypes.OciLayerTar;
    }

    private string RequireBlob(Digest digest) =>
        store.Blobs.Contains(digest) ? store.Blobs.PathOf(digest)
            : throw new ImageFormatException($"The archive's index names {digest}, which the archive does not contain.");
}
