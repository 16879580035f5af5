using MiniDocker.Images.Archives;

namespace MiniDocker.Images;

/// <summary>Image archives: OCI image layouts and <c>docker save</c> tarballs.</summary>
public sealed partial class ImageStore
{
    /// <summary>
    /// Loads the images of an OCI image layout (a directory, or a tar of one) or of a <c>docker save</c>
    /// archive (plain or compressed), as <c>docker load</c> does. Every blob is verified.
    /// </summary>
    /// <param name="path">The directory or archive file.</param>
    /// <param name="reference">The name for images the archive does not name itself.</param>
    /// <param name="cancellationToken">Cancels the import; what it added is taken back.</param>
    /// <exception cref="ImageFormatException">The archive is not an image archive, or is inconsistent.</exception>
    /// <exception cref="Storage.BlobIntegrityException">A blob's content does not match its name.</exception>
    /// <exception cref="Layers.LayerArchiveException">A layer is hostile or malformed.</exception>
    public Task<IReadOnlyList<Image>> ImportAsync(string path, string? reference = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"The image archive {path} does not exist.", path);
        return new ArchiveImporter(this).ImportAsync(ArchiveSource.Read(path), ParseName(reference), cancellationToken);
    }

    /// <summary>Loads the images of an image archive read from a stream (a tar; compressed only if the stream can seek).</summary>
    public Task<IReadOnlyList<Image>> ImportAsync(Stream archive, string? reference = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return new ArchiveImporter(this).ImportAsync(ArchiveSource.Read(archive), ParseName(reference), cancellationToken);
    }

    /// <summary>
    /// Writes images as one tar that is both an OCI image layout and a <c>docker save</c> archive
    /// (as <c>docker save</c> does since Docker 25); blobs are copied byte for byte.
    /// </summary>
    /// <param name="namesOrIds">The images, by reference or id; a reference names only itself, an id every tag of the image.</param>
    /// <param name="destination">Where the tar goes.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    public async Task ExportAsync(IEnumerable<string> namesOrIds, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(namesOrIds);
        ArgumentNullException.ThrowIfNull(destination);
        var images = new List<(Image, IReadOnlyList<string>)>();
        foreach (var name in namesOrIds)
        {
            var image = await GetAsync(name, cancellationToken).ConfigureAwait(false);
            var reference = ImageReference.TryParse(name)?.ToString();
            images.Add((image, reference is not null && image.Tags.Contains(reference) ? [reference] : image.Tags));
        }
        await ArchiveExporter.ExportAsync(this, images, destination, cancellationToken).ConfigureAwait(false);
    }

    private static ImageReference? ParseName(string? reference) =>
        reference is null ? null
            : ImageReference.TryParse(reference) ?? throw new ArgumentException($"\"{reference}\" is not a valid image reference; use [registry/]repository[:tag].", nameof(reference));
}
