using MiniDocker.Images;
using MiniDocker.Storage;

namespace MiniDocker.Layers;

/// <summary>
/// Layers unpacked once, keyed by chain id, as overlayfs lower directories
/// (<c>layers/sha256/&lt;chain&gt;/diff</c>). A layer is unpacked into <c>layers/ingest/</c> and
/// renamed into place only when complete, so a directory under its chain id can be trusted, a
/// crash leaves only an ingest directory, and of two engines unpacking one layer at once the
/// second rename fails and its copy is discarded.
/// </summary>
internal sealed class LayerStore
{
    private readonly BlobStore _blobs;

    public LayerStore(string root, BlobStore blobs)
    {
        Root = root;
        _blobs = blobs;
        Directory.CreateDirectory(LayersDirectory);
        Directory.CreateDirectory(IngestDirectory);
        foreach (var abandoned in Directory.EnumerateDirectories(IngestDirectory).Where(IngestName.IsAbandoned))
            Directory.Delete(abandoned, recursive: true);
    }

    public string Root { get; }

    private string LayersDirectory => Path.Combine(Root, "sha256");

    private string IngestDirectory => Path.Combine(Root, "ingest");

    public string PathOf(Digest chainId) => Path.Combine(LayersDirectory, chainId.Hex);

    /// <summary>The layer's files, as an overlayfs lower directory.</summary>
    public string DiffDirectory(Digest chainId) => Path.Combine(PathOf(chainId), "diff");

    public bool Contains(Digest chainId) => Directory.Exists(PathOf(chainId));

    public IEnumerable<Digest> List() =>
        Directory.EnumerateDirectories(LayersDirectory).Select(d => Digest.TryParse("sha256:" + Path.GetFileName(d), out var digest) ? digest : (Digest?)null)
            .Where(d => d is not null).Select(d => d!.Value);

    /// <summary>Unpacks the layer held in blob <paramref name="blob"/> unless the store has its chain already.</summary>
    /// <returns>True when this call unpacked it.</returns>
    /// <exception cref="LayerArchiveException">The archive is hostile or malformed.</exception>
    /// <exception cref="ImageFormatException">The archive is not the layer the image config names.</exception>
    public async Task<bool> EnsureAsync(Digest chainId, Digest diffId, Digest blob, CancellationToken cancellationToken)
    {
        if (Contains(chainId)) return false;
        var staging = Path.Combine(IngestDirectory, IngestName.New());
        var diff = Path.Combine(staging, "diff");
        Directory.CreateDirectory(diff);
        try
        {
            var result = await Task.Run(() =>
            {
                using var stream = _blobs.OpenRead(blob);
                using var tar = LayerCompression.OpenTar(stream);
                return new LayerUnpacker(new LayerUnpackOptions()).Unpack(tar, diff, cancellationToken);
            }, cancellationToken).ConfigureAwait(false);
            if (result.DiffId != diffId)
                throw new ImageFormatException(
                    $"The layer blob {blob} unpacks to the diff id {result.DiffId}, but the image config says {diffId}. The image is inconsistent; it was not stored.");
            await File.WriteAllTextAsync(Path.Combine(staging, "diff-id"), diffId.ToString(), cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(staging, "size"), result.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            try
            {
                Directory.Move(staging, PathOf(chainId));
                return true;
            }
            catch (IOException) when (Contains(chainId))
            {
                // Another engine finished the same layer first; its copy serves.
                return false;
            }
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Removes a layer: renamed out of its name first, so a half-deleted layer is never trusted.</summary>
    public bool Delete(Digest chainId)
    {
        var staging = Path.Combine(IngestDirectory, IngestName.New());
        try
        {
            Directory.Move(PathOf(chainId), staging);
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
        Directory.Delete(staging, recursive: true);
        return true;
    }
}
