using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MiniDocker.Layers;
using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>
/// The images of an engine root: blobs by digest (<c>images/blobs</c>), layers unpacked once by
/// chain id (<c>images/layers</c>) and the references that name images (<c>references.json</c>).
/// Several engines, in one process or many, may share it: content is named only once complete,
/// the index is changed under a lock, and garbage collection waits for pulls in progress.
/// </summary>
public sealed partial class ImageStore : IDisposable
{
    private readonly string _engineRoot;
    private readonly ILogger<ImageStore> _logger;

    /// <summary>Opens the image store of the engine root <paramref name="engineRoot"/>, creating it if needed.</summary>
    /// <param name="engineRoot">The engine's root directory; the store is its <c>images/</c>.</param>
    /// <param name="loggerFactory">Where log messages go; nowhere when null.</param>
    /// <param name="registry">How to talk to registries; the defaults when null.</param>
    public ImageStore(string engineRoot, ILoggerFactory? loggerFactory = null, Registry.RegistryOptions? registry = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(engineRoot);
        _engineRoot = Path.GetFullPath(engineRoot);
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = LoggerFactory.CreateLogger<ImageStore>();
        Root = Path.Combine(_engineRoot, "images");
        Blobs = new BlobStore(Root);
        Layers = new LayerStore(Path.Combine(Root, "layers"), Blobs);
        Index = new ReferenceIndex(Root);
        _registry = new Lazy<Registry.RegistryClient>(() => new Registry.RegistryClient(registry, LoggerFactory.CreateLogger<Registry.RegistryClient>()));
    }

    /// <summary>The store's directory.</summary>
    public string Root { get; }

    /// <summary>The content-addressed blobs: manifests, configs and compressed layers.</summary>
    public BlobStore Blobs { get; }

    internal LayerStore Layers { get; }

    internal ReferenceIndex Index { get; }

    internal ILoggerFactory LoggerFactory { get; }

    private string CollectionLockPath => Path.Combine(Root, "gc.lock");

    /// <summary>Held (shared) by whatever adds content, so a garbage collection cannot take it before it is referenced.</summary>
    internal Task<StoreLock> HoldAgainstCollectionAsync(CancellationToken cancellationToken) =>
        StoreLock.SharedAsync(CollectionLockPath, cancellationToken);

    internal StoreChanges BeginChanges() => new(Blobs, Layers);

    /// <summary>Finds an image by reference (<c>busybox</c>, <c>host:5000/app:1</c>, <c>name@sha256:…</c>), id, or id prefix.</summary>
    /// <exception cref="ImageNotFoundException">No image goes by that name.</exception>
    public Task<Image> GetAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrId);
        cancellationToken.ThrowIfCancellationRequested();
        var state = Index.Read();
        return Task.FromResult(Load(state, Resolve(state, nameOrId)));
    }

    /// <summary>Finds an image, or returns null when the store has none by that name.</summary>
    public async Task<Image?> TryGetAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Every image in the store, newest first.</summary>
    public Task<IReadOnlyList<Image>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var state = Index.Read();
        IReadOnlyList<Image> images = [.. state.Images.Values.OrderByDescending(r => r.Added).Select(r => Load(state, r.ManifestDigest))];
        return Task.FromResult(images);
    }

    /// <summary>Gives an image another name, as <c>docker tag</c> does; a tag already in use moves to this image.</summary>
    public async Task TagAsync(string nameOrId, string target, CancellationToken cancellationToken = default)
    {
        var reference = ParseTag(target);
        await Index.UpdateAsync(state =>
        {
            state.Tags[reference.ToString()] = Resolve(state, nameOrId);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes a tag, or an image by id with all its tags; the image itself goes once no tag names
    /// it, and then its blobs and layers that nothing else uses. An image a container uses is
    /// kept unless <paramref name="force"/> is set, and even then its layers stay until the container is gone.
    /// </summary>
    /// <exception cref="ImageNotFoundException">No image goes by that name.</exception>
    /// <exception cref="ImageInUseException">A container uses the image.</exception>
    public async Task<ImageRemoval> RemoveAsync(string nameOrId, bool force = false, CancellationToken cancellationToken = default)
    {
        var users = ContainersByImage();
        var removal = await Index.UpdateAsync(state =>
        {
            var manifest = Resolve(state, nameOrId);
            var tags = state.Tags.Where(t => t.Value == manifest).Select(t => t.Key).ToList();
            var tag = ImageReference.TryParse(nameOrId)?.ToString();
            var untag = tag is not null && tags.Contains(tag) ? [tag] : tags;
            bool deletes = untag.Count == tags.Count;
            if (deletes && !force && users.TryGetValue(manifest, out var containers))
                throw new ImageInUseException(nameOrId, containers);
            foreach (var t in untag) state.Tags.Remove(t);
            if (deletes) state.Images.Remove(manifest.ToString());
            return new ImageRemoval(untag, deletes ? [manifest] : []);
        }, cancellationToken).ConfigureAwait(false);
        if (removal.Deleted.Count > 0) await CollectGarbageAsync(cancellationToken).ConfigureAwait(false);
        return removal;
    }

    /// <summary>Removes the blobs and unpacked layers that no image in the store and no container references.</summary>
    public async Task<GarbageCollection> CollectGarbageAsync(CancellationToken cancellationToken = default)
    {
        using var _ = await StoreLock.ExclusiveAsync(CollectionLockPath, cancellationToken).ConfigureAwait(false);
        var state = Index.Read();
        var roots = state.Images.Values.Select(r => r.ManifestDigest).Concat(ContainersByImage().Keys).Distinct();
        var keepBlobs = new HashSet<Digest>();
        var keepLayers = new HashSet<Digest>();
        foreach (var manifestDigest in roots)
        {
            if (!Blobs.Contains(manifestDigest)) continue;
            var (manifest, config) = ReadDocuments(manifestDigest);
            keepBlobs.Add(manifestDigest);
            keepBlobs.Add(manifest.Config.Digest);
            keepBlobs.UnionWith(manifest.Layers.Select(l => l.Digest));
            keepLayers.UnionWith(ChainId.For(config.RootFs.DiffIds));
        }
        int blobs = 0, layers = 0;
        long bytes = 0;
        foreach (var blob in Blobs.List().Where(b => !keepBlobs.Contains(b)).ToList())
        {
            bytes += Blobs.GetSize(blob);
            if (Blobs.Delete(blob)) blobs++;
        }
        foreach (var layer in Layers.List().Where(l => !keepLayers.Contains(l)).ToList())
        {
            if (Layers.Delete(layer)) layers++;
        }
        return new GarbageCollection(blobs, layers, bytes);
    }

    /// <summary>
    /// Records an image whose config and layer blobs are already stored: stores the manifest,
    /// unpacks the layers it lacks and names the image.
    /// </summary>
    internal async Task<Image> AddAsync(byte[] manifestJson, IReadOnlyList<ImageReference> tags, string? repoDigest, StoreChanges changes, CancellationToken cancellationToken)
    {
        var manifest = ImageDocuments.ParseManifest(manifestJson);
        var config = ImageDocuments.ParseConfig(await ReadBlobAsync(manifest.Config.Digest, cancellationToken).ConfigureAwait(false));
        var diffIds = config.RootFs.DiffIds;
        if (diffIds.Count != manifest.Layers.Count)
            throw new ImageFormatException($"The image config lists {diffIds.Count} layers but its manifest {manifest.Layers.Count}. The image is inconsistent; it was not stored.");
        using var manifestStream = new MemoryStream(manifestJson, writable: false);
        var manifestDigest = await Blobs.PutAsync(manifestStream, cancellationToken).ConfigureAwait(false);
        changes.BlobAdded(manifestDigest);

        var chain = ChainId.For(diffIds);
        await Parallel.ForAsync(0, chain.Count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (i, ct) =>
            {
                if (await Layers.EnsureAsync(chain[i], diffIds[i], manifest.Layers[i].Digest, ct).ConfigureAwait(false))
                    changes.LayerAdded(chain[i]);
            }).ConfigureAwait(false);

        await Index.UpdateAsync(state =>
        {
            var key = manifestDigest.ToString();
            var record = state.Images.TryGetValue(key, out var existing)
                ? existing
                : new ImageRecord { ManifestDigest = manifestDigest, MediaType = manifest.MediaType ?? MediaTypes.OciManifest, Added = DateTimeOffset.UtcNow };
            if (repoDigest is not null && !record.RepoDigests.Contains(repoDigest)) record.RepoDigests.Add(repoDigest);
            state.Images[key] = record;
            foreach (var tag in tags) state.Tags[tag.ToString()] = manifestDigest;
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        return Load(Index.Read(), manifestDigest);
    }

    internal async Task<byte[]> ReadBlobAsync(Digest digest, CancellationToken cancellationToken)
    {
        await using var stream = Blobs.OpenRead(digest);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private (ImageManifest Manifest, ImageConfig Config) ReadDocuments(Digest manifestDigest)
    {
        var manifest = ImageDocuments.ParseManifest(File.ReadAllBytes(Blobs.PathOf(manifestDigest)));
        var config = ImageDocuments.ParseConfig(File.ReadAllBytes(Blobs.PathOf(manifest.Config.Digest)));
        return (manifest, config);
    }

    private Image Load(ReferenceIndexState state, Digest manifestDigest)
    {
        var (manifest, config) = ReadDocuments(manifestDigest);
        var record = state.Images[manifestDigest.ToString()];
        return new Image
        {
            Id = manifest.Config.Digest,
            ManifestDigest = manifestDigest,
            Manifest = manifest,
            Config = config,
            Tags = [.. state.Tags.Where(t => t.Value == manifestDigest).Select(t => t.Key).Order(StringComparer.Ordinal)],
            RepoDigests = [.. record.RepoDigests],
            LayerDirectories = [.. ChainId.For(config.RootFs.DiffIds).Reverse().Select(Layers.DiffDirectory)],
        };
    }

    private Digest Resolve(ReferenceIndexState state, string nameOrId)
    {
        if (Digest.TryParse(nameOrId, out var digest))
        {
            if (state.Images.ContainsKey(digest.ToString())) return digest;
            var byId = state.Images.Values.Where(r => ConfigDigestOf(r.ManifestDigest) == digest).ToList();
            if (byId.Count > 0) return byId[0].ManifestDigest;
            throw new ImageNotFoundException(nameOrId);
        }
        if (nameOrId.Length is >= 4 and <= 64 && nameOrId.All(char.IsAsciiHexDigitLower))
        {
            var matches = state.Images.Values.Where(r => ConfigDigestOf(r.ManifestDigest)?.Hex.StartsWith(nameOrId, StringComparison.Ordinal) == true).ToList();
            if (matches.Count > 1)
                throw new ImageNotFoundException($"{nameOrId} (it is the start of {matches.Count} image ids; give more of it)");
            if (matches.Count == 1) return matches[0].ManifestDigest;
        }
        var reference = ImageReference.TryParse(nameOrId) ?? throw new ImageNotFoundException(nameOrId);
        if (reference.Digest is { } pinned && state.Images.ContainsKey(pinned.ToString())) return pinned;
        if (reference.Tag is not null && state.Tags.TryGetValue(reference.WithTag(reference.Tag).ToString(), out var tagged)) return tagged;
        throw new ImageNotFoundException(nameOrId);
    }

    private Digest? ConfigDigestOf(Digest manifestDigest)
    {
        try
        {
            return ImageDocuments.ParseManifest(File.ReadAllBytes(Blobs.PathOf(manifestDigest))).Config.Digest;
        }
        catch (Exception e) when (e is IOException or ImageFormatException)
        {
            return null;
        }
    }

    private static ImageReference ParseTag(string target)
    {
        var reference = ImageReference.TryParse(target)
            ?? throw new ArgumentException($"\"{target}\" is not a valid image reference; use [registry/]repository[:tag].", nameof(target));
        if (reference.Digest is not null)
            throw new ArgumentException($"\"{target}\" names a digest; a tag cannot (a digest is what the content hashes to).", nameof(target));
        return reference;
    }

    /// <summary>Which containers under the engine root use which image (the manifest digest in their <c>image</c> file).</summary>
    internal Dictionary<Digest, List<string>> ContainersByImage()
    {
        var users = new Dictionary<Digest, List<string>>();
        var containers = Path.Combine(_engineRoot, "containers");
        if (!Directory.Exists(containers)) return users;
        foreach (var directory in Directory.EnumerateDirectories(containers))
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(directory, ImageFileName)).Trim();
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                continue;
            }
            if (!Digest.TryParse(text, out var digest)) continue;
            if (!users.TryGetValue(digest, out var list)) users[digest] = list = [];
            list.Add(Path.GetFileName(directory));
        }
        return users;
    }

    /// <summary>Closes the registry connections.</summary>
    public void Dispose()
    {
        if (_registry.IsValueCreated) _registry.Value.Dispose();
    }

    /// <summary>The file in a container's state directory that names the image it runs.</summary>
    internal const string ImageFileName = "image";
}
