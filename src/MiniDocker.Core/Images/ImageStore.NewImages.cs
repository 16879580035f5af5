using System.IO.Compression;
using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>What commit and filesystem import share: a new gzip layer from a tar, and a new image from a config and its layers.</summary>
public sealed partial class ImageStore
{
    /// <summary>
    /// Stores the layer <paramref name="writeTar"/> writes (uncompressed, into a file of the
    /// store's ingest directory), gzip-compressed; returns its diff id and descriptor.
    /// </summary>
    private async Task<(Digest DiffId, Descriptor Layer)> StoreNewLayerAsync(Func<Stream, CancellationToken, Task> writeTar, StoreChanges changes, CancellationToken cancellationToken)
    {
        var tarPath = Path.Combine(Root, "ingest", IngestName.New());
        await using var tar = new FileStream(tarPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        await writeTar(tar, cancellationToken).ConfigureAwait(false);
        tar.Position = 0;
        using var hashing = new HashingReadStream(tar);
        await using var compressed = new FileStream(tarPath + ".gz", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            await hashing.CopyToAsync(gzip, cancellationToken).ConfigureAwait(false);
        var diffId = hashing.Finish();
        compressed.Position = 0;
        var (digest, added) = await Blobs.PutNewAsync(compressed, cancellationToken).ConfigureAwait(false);
        if (added) changes.BlobAdded(digest);
        return (diffId, new Descriptor { MediaType = MediaTypes.OciLayerTarGzip, Digest = digest, Size = compressed.Length });
    }

    /// <summary>Stores the config, writes an OCI manifest for it and its layers, and adds the image.</summary>
    private async Task<Image> AddNewImageAsync(ImageConfig config, IReadOnlyList<Descriptor> layers, ImageReference? name, StoreChanges changes, CancellationToken cancellationToken)
    {
        var configJson = ImageDocuments.Serialize(config);
        using var configStream = new MemoryStream(configJson);
        var (configDigest, configAdded) = await Blobs.PutNewAsync(configStream, cancellationToken).ConfigureAwait(false);
        if (configAdded) changes.BlobAdded(configDigest);
        var manifest = new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configDigest, Size = configJson.Length },
            Layers = layers,
        };
        return await AddAsync(ImageDocuments.Serialize(manifest), name is null ? [] : [name], null, changes, cancellationToken).ConfigureAwait(false);
    }
}
