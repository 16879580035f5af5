using System.Net;
using System.Net.Http.Headers;
using MiniDocker.Images;
using MiniDocker.Storage;

namespace MiniDocker.Registry;

/// <summary>Uploads: blobs (mounted from another repository, in one request, or in chunks) and manifests.</summary>
public sealed partial class RegistryClient
{
    /// <summary>
    /// Uploads a blob: mounted from <paramref name="mountFrom"/> when the registry has it there,
    /// else in one PUT, or in PATCH chunks of <see cref="RegistryOptions.PushChunkBytes"/> when larger.
    /// </summary>
    /// <param name="repository">Where the blob goes.</param>
    /// <param name="blob">Its descriptor (digest and size).</param>
    /// <param name="open">Opens the blob's content from its start; called again for a retry.</param>
    /// <param name="mountFrom">Other repositories of the same registry that may hold it.</param>
    /// <param name="progress">Told the bytes sent.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>Whether the blob was mounted rather than uploaded.</returns>
    public async Task<bool> UploadBlobAsync(ImageReference repository, Descriptor blob, Func<Stream> open, IReadOnlyList<string>? mountFrom = null,
        Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(open);
        Uri? location = null;
        foreach (var source in mountFrom ?? [])
        {
            using var mount = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Post,
                Url(repository, $"blobs/uploads/?mount={Uri.EscapeDataString(blob.Digest.ToString())}&from={Uri.EscapeDataString(source)}")), cancellationToken).ConfigureAwait(false);
            if (mount.StatusCode == HttpStatusCode.Created) return true;
            await EnsureSuccessAsync(mount, repository, $"mounting blob {blob.Digest} from {source}", cancellationToken).ConfigureAwait(false);
            // 202: the registry could not mount it and opened an upload instead.
            location = Location(mount);
            break;
        }
        if (location is null)
        {
            using var start = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Post, Url(repository, "blobs/uploads/")), cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(start, repository, $"starting the upload of blob {blob.Digest}", cancellationToken).ConfigureAwait(false);
            location = Location(start);
        }

        if (blob.Size <= Options.PushChunkBytes)
        {
            var target = WithQuery(location, "digest=" + Uri.EscapeDataString(blob.Digest.ToString()));
            using var put = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Put, target) { Content = Octets(new StreamContent(open()), blob.Size) }, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(put, repository, $"uploading blob {blob.Digest}", cancellationToken).ConfigureAwait(false);
            progress?.Invoke(blob.Size);
            return false;
        }

        await using var content = open();
        var buffer = new byte[Options.PushChunkBytes];
        for (long offset = 0; offset < blob.Size;)
        {
            int length = await content.ReadAtLeastAsync(buffer, (int)Math.Min(buffer.Length, blob.Size - offset), throwOnEndOfStream: true, cancellationToken).ConfigureAwait(false);
            var chunkLocation = location;
            var chunkStart = offset;
            using var patch = await SendAsync(repository, "pull,push", () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Patch, chunkLocation) { Content = Octets(new ByteArrayContent(buffer, 0, length), length) };
                // Docker's registry wants "start-end" without the "bytes " unit.
                request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{chunkStart}-{chunkStart + length - 1}");
                return request;
            }, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(patch, repository, $"uploading bytes {offset}-{offset + length - 1} of blob {blob.Digest}", cancellationToken).ConfigureAwait(false);
            location = Location(patch);
            offset += length;
            progress?.Invoke(offset);
        }
        var finish = WithQuery(location, "digest=" + Uri.EscapeDataString(blob.Digest.ToString()));
        using var done = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Put, finish) { Content = Octets(new ByteArrayContent([]), 0) }, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(done, repository, $"finishing the upload of blob {blob.Digest}", cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>Uploads a manifest under a tag (or its digest); the registry must answer with the same digest.</summary>
    public async Task<Digest> PutManifestAsync(ImageReference reference, byte[] content, string mediaType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(content);
        var digest = Digest.Sha256(content);
        using var response = await SendAsync(reference, "pull,push", () =>
        {
            var body = new ByteArrayContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, Url(reference, $"manifests/{reference.ManifestReference}")) { Content = body };
        }, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, reference, $"the manifest of {reference}", cancellationToken).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var answered) && answered != digest)
            throw new RegistryException($"The registry {reference.Registry} stored the manifest of {reference} as {answered}, not {digest}: it changed the document.");
        return digest;
    }

    private static HttpContent Octets(HttpContent content, long length)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentLength = length;
        return content;
    }

    private static Uri Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location
            ? (location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location))
            : throw new RegistryException($"The registry answered {(int)response.StatusCode} to an upload without a Location to continue at.");

    private static Uri WithQuery(Uri uri, string query) => new UriBuilder(uri) { Query = string.IsNullOrEmpty(uri.Query) ? query : uri.Query.TrimStart('?') + "&" + query }.Uri;
}
