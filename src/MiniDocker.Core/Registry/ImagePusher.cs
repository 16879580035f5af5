using MiniDocker.Images;
using MiniDocker.Storage;

namespace MiniDocker.Registry;

/// <summary>
/// Pushes an image from the store: each blob the registry lacks (mounted from another repository
/// of the same registry that the store knows has it, else uploaded), the config before the
/// layers' manifest, and the manifest last, byte for byte, so its digest is the same there.
/// </summary>
internal sealed class ImagePusher(ImageStore store, RegistryClient client)
{
    public async Task<Digest> PushAsync(Image image, ImageReference target, IProgress<PushProgress>? progress, CancellationToken cancellationToken)
    {
        // Repositories of the same registry this image came from or went to may hold its blobs already.
        var mountSources = image.Tags.Concat(image.RepoDigests).Select(ImageReference.TryParse)
            .Where(r => r is not null && r.Registry == target.Registry && r.Repository != target.Repository)
            .Select(r => r!.Repository).Distinct().ToList();
        var blobs = new[] { image.Manifest.Config }.Concat(image.Manifest.Layers).DistinctBy(b => b.Digest).ToList();
        await Parallel.ForEachAsync(blobs,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, client.Options.MaxConcurrentDownloads), CancellationToken = cancellationToken },
            async (blob, ct) =>
            {
                if (await client.BlobExistsAsync(target, blob.Digest, ct).ConfigureAwait(false))
                {
                    progress?.Report(new PushProgress(blob.Digest, PushStatus.AlreadyExists, blob.Size, blob.Size));
                    return;
                }
                bool mounted = await client.UploadBlobAsync(target, blob, () => store.Blobs.OpenRead(blob.Digest), mountSources,
                    bytes => progress?.Report(new PushProgress(blob.Digest, PushStatus.Uploading, bytes, blob.Size)), ct).ConfigureAwait(false);
                progress?.Report(new PushProgress(blob.Digest, mounted ? PushStatus.Mounted : PushStatus.Pushed, blob.Size, blob.Size));
            }).ConfigureAwait(false);

        var manifest = await store.ReadBlobAsync(image.ManifestDigest, cancellationToken).ConfigureAwait(false);
        var mediaType = ImageDocuments.DetectMediaType(manifest);
        var digest = await client.PutManifestAsync(target, manifest, mediaType, cancellationToken).ConfigureAwait(false);
        await store.RecordRepoDigestAsync(image.ManifestDigest, $"{target.Name}@{digest}", cancellationToken).ConfigureAwait(false);
        return digest;
    }
}
