using System.IO.Compression;
using MiniDocker.Containers;
using MiniDocker.Layers;
using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>Images made from containers.</summary>
public sealed partial class ImageStore
{
    // Files the engine mounts over; the container's own content there is not its to commit.
    private static readonly HashSet<string> EngineMountTargets = new(StringComparer.Ordinal) { "etc/hosts", "etc/resolv.conf", "etc/hostname" };

    /// <summary>
    /// Turns what a container changed into a new layer on top of its image, and that into a new
    /// image, as <c>docker commit</c> does: files it added or changed, whiteouts for what it
    /// deleted. A running container is frozen while its changes are read, unless told otherwise.
    /// </summary>
    /// <param name="container">A container started from an image on overlayfs (running or exited, not removed).</param>
    /// <param name="reference">The new image's name, or null for an untagged image.</param>
    /// <param name="options">Author, comment and new defaults.</param>
    /// <param name="cancellationToken">Cancels the commit; nothing is kept.</param>
    /// <exception cref="InvalidOperationException">The container has no image on overlayfs, or was removed.</exception>
    public async Task<Image> CommitAsync(Container container, string? reference = null, CommitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        options ??= new CommitOptions();
        var name = ParseName(reference);
        var baseImage = container.Definition.Image
            ?? throw new InvalidOperationException($"Container {container.Name} was not started from an image, so it has no layer to commit.");
        var upper = Path.Combine(container.StateDirectory, "upper");
        if (container.Status == ContainerStatus.Removed || !Directory.Exists(upper))
            throw new InvalidOperationException($"Container {container.Name} has no upper directory to commit: it was removed, or its root filesystem is a copy (StorageDriver.Copy, or a user namespace). Commit needs overlayfs.");

        using var hold = await HoldAgainstCollectionAsync(cancellationToken).ConfigureAwait(false);
        var changes = BeginChanges();
        var tarPath = Path.Combine(Root, "ingest", IngestName.New());
        bool paused = options.Pause && container.Status == ContainerStatus.Running;
        try
        {
            if (paused) await container.PauseAsync(cancellationToken).ConfigureAwait(false);
            Digest diffId;
            try
            {
                await using var tar = new FileStream(tarPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
                await Task.Run(() => UpperLayerWriter.Write(upper, tar, EngineMountTargets), cancellationToken).ConfigureAwait(false);
                if (paused)
                {
                    await container.ResumeAsync(cancellationToken).ConfigureAwait(false);
                    paused = false;
                }
                tar.Position = 0;
                using (var hashing = new HashingReadStream(tar))
                {
                    await using var compressed = new MemoryStream();
                    await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
                        await hashing.CopyToAsync(gzip, cancellationToken).ConfigureAwait(false);
                    diffId = hashing.Finish();
                    compressed.Position = 0;
                    var (layerDigest, added) = await Blobs.PutNewAsync(compressed, cancellationToken).ConfigureAwait(false);
                    if (added) changes.BlobAdded(layerDigest);
                    return await AddCommittedAsync(baseImage, container, options, name, diffId, new Descriptor
                    {
                        MediaType = MediaTypes.OciLayerTarGzip, Digest = layerDigest, Size = compressed.Length,
                    }, changes, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (paused) await container.ResumeAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch
        {
            changes.Undo();
            throw;
        }
    }

    private async Task<Image> AddCommittedAsync(Image baseImage, Container container, CommitOptions options, ImageReference? name, Digest diffId, Descriptor layer,
        StoreChanges changes, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var config = baseImage.Config with
        {
            Created = now,
            Author = options.Author ?? baseImage.Config.Author,
            Config = options.Config ?? baseImage.Config.Config,
            RootFs = new ImageRootFs { Type = "layers", DiffIds = [.. baseImage.Config.RootFs.DiffIds, diffId] },
            History = [.. baseImage.Config.History ?? [], new ImageHistory { Created = now, CreatedBy = $"minidocker commit {container.Id[..12]}", Comment = options.Comment }],
        };
        var configJson = ImageDocuments.Serialize(config);
        using var configStream = new MemoryStream(configJson);
        var (configDigest, configAdded) = await Blobs.PutNewAsync(configStream, cancellationToken).ConfigureAwait(false);
        if (configAdded) changes.BlobAdded(configDigest);
        var manifest = new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configDigest, Size = configJson.Length },
            // Docker's layer type and OCI's tar+gzip are the same bytes; an OCI manifest names them the OCI way.
            Layers = [.. baseImage.Manifest.Layers.Select(l => l.MediaType == MediaTypes.DockerLayerTarGzip ? l with { MediaType = MediaTypes.OciLayerTarGzip } : l), layer],
        };
        return await AddAsync(ImageDocuments.Serialize(manifest), name is null ? [] : [name], null, changes, cancellationToken).ConfigureAwait(false);
    }
}
