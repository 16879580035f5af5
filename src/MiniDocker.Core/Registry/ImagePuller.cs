using Microsoft.Extensions.Logging;
using MiniDocker.Images;

namespace MiniDocker.Registry;

/// <summary>
/// Pulls an image into the store: the manifest (the platform's, from an index), the config, and
/// the layers the store lacks, several at once, each verified against its digest as it is
/// written; then the layers are unpacked and the image named. A failure anywhere takes back
/// everything the pull added, so the store is as it was.
/// </summary>
internal sealed class ImagePuller(ImageStore store, RegistryClient client, ILogger logger)
{
    public async Task<Image> PullAsync(ImageReference reference, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        using var hold = await store.HoldAgainstCollectionAsync(cancellationToken).ConfigureAwait(false);
        var changes = store.BeginChanges();
        try
        {
            var top = await client.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
            var chosen = top;
            if (MediaTypes.IsIndex(top.MediaType))
            {
                var descriptor = ImageDocuments.ParseIndex(top.Content).SelectManifest(client.Options.Platform);
                chosen = await client.GetManifestAsync(reference.WithDigest(descriptor.Digest), cancellationToken).ConfigureAwait(false);
            }
            var manifest = ImageDocuments.ParseManifest(chosen.Content);

            await FetchAsync(reference, manifest.Config, changes, null, cancellationToken).ConfigureAwait(false);
            var config = ImageDocuments.ParseConfig(await store.ReadBlobAsync(manifest.Config.Digest, cancellationToken).ConfigureAwait(false));
            var platform = client.Options.Platform;
            if (!platform.Matches(new Platform { Os = config.Os, Architecture = config.Architecture, Variant = config.Variant }))
                throw new ImageFormatException($"The image {reference} is for {config.Os}/{config.Architecture}{(config.Variant is null ? "" : "/" + config.Variant)} only, not {platform}. Pull an image built for {platform}, or set RegistryOptions.Platform.");

            var missing = manifest.Layers.Where(l => !store.Blobs.Contains(l.Digest)).ToList();
            foreach (var layer in manifest.Layers)
                progress?.Report(new PullProgress(layer.Digest, missing.Contains(layer) ? PullStatus.Waiting : PullStatus.AlreadyExists, 0, layer.Size));
            await Parallel.ForEachAsync(missing.DistinctBy(l => l.Digest),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, client.Options.MaxConcurrentDownloads), CancellationToken = cancellationToken },
                async (layer, ct) =>
                {
                    await FetchAsync(reference, layer, changes, progress, ct).ConfigureAwait(false);
                    progress?.Report(new PullProgress(layer.Digest, PullStatus.Downloaded, layer.Size, layer.Size));
                }).ConfigureAwait(false);

            var chain = Layers.ChainId.For(config.RootFs.DiffIds);
            for (int i = 0; i < manifest.Layers.Count && i < chain.Count; i++)
            {
                if (!store.Layers.Contains(chain[i]))
                    progress?.Report(new PullProgress(manifest.Layers[i].Digest, PullStatus.Extracting, manifest.Layers[i].Size, manifest.Layers[i].Size));
            }
            var image = await store.AddAsync(chosen.Content, reference.Tag is null ? [] : [reference], $"{reference.Name}@{top.Digest}", changes, cancellationToken).ConfigureAwait(false);
            foreach (var layer in manifest.Layers) progress?.Report(new PullProgress(layer.Digest, PullStatus.Complete, layer.Size, layer.Size));
            return image;
        }
        catch
        {
            changes.Undo();
            throw;
        }
    }

    private async Task FetchAsync(ImageReference reference, Descriptor blob, StoreChanges changes, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        if (store.Blobs.Contains(blob.Digest)) return;
        await using var stream = new ResumableBlobStream(client, reference, blob, logger,
            progress is null ? null : bytes => progress.Report(new PullProgress(blob.Digest, PullStatus.Downloading, bytes, blob.Size)));
        if (await store.Blobs.PutAsync(blob.Digest, stream, blob.Size, cancellationToken).ConfigureAwait(false))
            changes.BlobAdded(blob.Digest);
    }
}
