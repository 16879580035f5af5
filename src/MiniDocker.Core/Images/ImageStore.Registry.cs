using Microsoft.Extensions.Logging;
using MiniDocker.Registry;
using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>Pulling from and pushing to registries.</summary>
public sealed partial class ImageStore
{
    private readonly Lazy<RegistryClient> _registry;

    /// <summary>The client the store pulls and pushes with.</summary>
    public RegistryClient Registry => _registry.Value;

    /// <summary>
    /// Pulls an image, as <c>docker pull</c> does: the platform's manifest, the config, and the
    /// layers the store lacks, verified and unpacked; pulling again downloads no layer.
    /// </summary>
    /// <param name="reference">What to pull: <c>busybox</c>, <c>host:5000/app:1</c>, <c>app@sha256:…</c>.</param>
    /// <param name="progress">Told each layer's progress.</param>
    /// <param name="cancellationToken">Cancels the pull; what it added is taken back.</param>
    /// <exception cref="RegistryException">The registry has no such image, refused, or stopped answering.</exception>
    /// <exception cref="RegistryAuthenticationException">Credentials were missing or refused.</exception>
    /// <exception cref="BlobIntegrityException">The registry served content that does not match its digest.</exception>
    /// <exception cref="ImageFormatException">The image is malformed, or not for this platform.</exception>
    public Task<Image> PullAsync(string reference, IProgress<PullProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var parsed = ImageReference.TryParse(reference)
            ?? throw new ArgumentException($"\"{reference}\" is not a valid image reference; use [registry/]repository[:tag][@digest].", nameof(reference));
        return new ImagePuller(this, Registry, LoggerFactory.CreateLogger<ImagePuller>()).PullAsync(parsed, progress, cancellationToken);
    }

    /// <summary>
    /// Pushes an image to a registry, as <c>docker push</c> does: blobs the registry lacks, then the
    /// manifest, byte for byte (the digest there is the digest here).
    /// </summary>
    /// <param name="nameOrId">The image in the store.</param>
    /// <param name="target">Where to push it; the image's own name when null (then <paramref name="nameOrId"/> must be a reference).</param>
    /// <param name="progress">Told each blob's progress.</param>
    /// <param name="cancellationToken">Cancels the push.</param>
    /// <returns>The manifest digest the registry stored.</returns>
    public async Task<Digest> PushAsync(string nameOrId, string? target = null, IProgress<PushProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var image = await GetAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        var destination = ImageReference.TryParse(target ?? nameOrId)
            ?? throw new ArgumentException($"\"{target ?? nameOrId}\" is not a reference to push to; give target as [registry/]repository[:tag].", nameof(target));
        if (destination.Digest is not null && destination.Tag is null)
            destination = destination.WithTag(ImageReference.DefaultTag);
        return await new ImagePusher(this, Registry).PushAsync(image, destination, progress, cancellationToken).ConfigureAwait(false);
    }

    internal Task RecordRepoDigestAsync(Digest manifestDigest, string repoDigest, CancellationToken cancellationToken) =>
        Index.UpdateAsync(state =>
        {
            if (state.Images.TryGetValue(manifestDigest.ToString(), out var record) && !record.RepoDigests.Contains(repoDigest))
                record.RepoDigests.Add(repoDigest);
            return 0;
        }, cancellationToken);
}
