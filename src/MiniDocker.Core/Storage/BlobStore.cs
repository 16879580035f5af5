using System.Buffers;
using System.Security.Cryptography;

namespace MiniDocker.Storage;

/// <summary>
/// Content-addressed blobs on disk, laid out as an OCI image layout does (<c>blobs/sha256/&lt;hex&gt;</c>).
/// Content is hashed while it is written and only then given its name, so a blob's name can be trusted:
/// a mismatch, a cancellation or a crash leaves only a file in <c>ingest/</c>, which nothing reads and
/// the next store to open the directory removes. Several stores, in one process or many, may share a root.
/// </summary>
public sealed class BlobStore
{
    private const int CopyBufferSize = 128 * 1024;

    /// <summary>Opens (and creates, if needed) the store under <paramref name="root"/>.</summary>
    public BlobStore(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(BlobsDirectory);
        Directory.CreateDirectory(IngestDirectory);
        RemoveAbandonedIngests();
    }

    /// <summary>The store's directory.</summary>
    public string Root { get; }

    private string BlobsDirectory => Path.Combine(Root, "blobs");

    private string IngestDirectory => Path.Combine(Root, "ingest");

    /// <summary>The path of the file holding <paramref name="digest"/>'s content, whether or not it exists yet.</summary>
    public string PathOf(Digest digest) => Path.Combine(BlobsDirectory, digest.Algorithm, digest.Hex);

    /// <summary>Whether the store holds <paramref name="digest"/>.</summary>
    public bool Contains(Digest digest) => File.Exists(PathOf(digest));

    /// <summary>The size in bytes of a stored blob.</summary>
    /// <exception cref="BlobNotFoundException">The store does not hold the blob.</exception>
    public long GetSize(Digest digest)
    {
        var file = new FileInfo(PathOf(digest));
        return file.Exists ? file.Length : throw new BlobNotFoundException(digest, Root);
    }

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="expected"/> if its bytes hash to it (and number
    /// <paramref name="expectedSize"/>, when given: reading stops as soon as the content is longer).
    /// </summary>
    /// <returns>True if the blob was added; false if the store already held it (the stream is then not read).</returns>
    /// <exception cref="BlobIntegrityException">The content does not match; nothing was stored.</exception>
    public async Task<bool> PutAsync(Digest expected, Stream content, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (expectedSize < 0)
            throw new ArgumentOutOfRangeException(nameof(expectedSize), expectedSize, "A blob's size cannot be negative.");
        if (Contains(expected))
            return false;

        var (_, added) = await StoreAsync(content, expected.Algorithm, expectedSize, ingest =>
        {
            if (expectedSize is { } size && ingest.Size != size)
                throw new BlobIntegrityException(ingest.Size > size
                    ? $"The content for {expected} is longer than the {size} bytes expected; reading stopped there. It was not stored; the source served different data."
                    : $"The content for {expected} is {ingest.Size} bytes, but {size} were expected. It was not stored; the transfer may have been cut short, so fetch it again.")
                { Expected = expected };
            if (ingest.Digest != expected)
                throw new BlobIntegrityException(
                    $"The content given as {expected} hashes to {ingest.Digest}. It was not stored; the source served corrupted or different data.")
                { Expected = expected };
        }, cancellationToken).ConfigureAwait(false);
        return added;
    }

    /// <summary>Stores <paramref name="content"/> under its sha256 digest, which it returns.</summary>
    public async Task<Digest> PutAsync(Stream content, CancellationToken cancellationToken = default) =>
        (await PutNewAsync(content, cancellationToken).ConfigureAwait(false)).Digest;

    /// <summary>Stores content under its sha256 digest, and says whether the store lacked it.</summary>
    internal Task<(Digest Digest, bool Added)> PutNewAsync(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        return StoreAsync(content, "sha256", limit: null, check: null, cancellationToken);
    }

    /// <summary>Opens a stored blob for reading.</summary>
    /// <exception cref="BlobNotFoundException">The store does not hold the blob.</exception>
    public Stream OpenRead(Digest digest)
    {
        try
        {
            return new FileStream(PathOf(digest), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(digest, Root);
        }
    }

    /// <summary>Reads a stored blob again and checks that it still hashes to its name.</summary>
    /// <exception cref="BlobIntegrityException">The file on disk was changed after it was stored.</exception>
    public async Task VerifyAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        await using var stream = OpenRead(digest);
        using var hash = IncrementalHash.CreateHash(digest.HashAlgorithm);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                hash.AppendData(buffer, 0, read);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var actual = Digest.FromHash(digest.Algorithm, hash.GetHashAndReset());
        if (actual != digest)
            throw new BlobIntegrityException(
                $"The stored blob {digest} now hashes to {actual}: the file {PathOf(digest)} was changed on disk. Delete it and fetch it again.")
            { Expected = digest };
    }

    /// <summary>Removes a blob. Returns false if the store did not hold it.</summary>
    public bool Delete(Digest digest)
    {
        var path = PathOf(digest);
        if (!File.Exists(path))
            return false;
        File.Delete(path);
        return true;
    }

    /// <summary>Every blob the store holds.</summary>
    public IEnumerable<Digest> List()
    {
        foreach (var algorithmDirectory in Directory.EnumerateDirectories(BlobsDirectory))
        {
            var algorithm = Path.GetFileName(algorithmDirectory);
            foreach (var file in Directory.EnumerateFiles(algorithmDirectory))
            {
                if (Digest.TryParse($"{algorithm}:{Path.GetFileName(file)}", out var digest))
                    yield return digest;
            }
        }
    }

    /// <summary>Ingests, lets <paramref name="check"/> refuse the result, and names it; the ingest file goes either way.</summary>
    private async Task<(Digest Digest, bool Added)> StoreAsync(Stream content, string algorithm, long? limit, Action<IngestResult>? check, CancellationToken cancellationToken)
    {
        var ingest = await IngestAsync(content, algorithm, limit, cancellationToken).ConfigureAwait(false);
        try
        {
            check?.Invoke(ingest);
            return (ingest.Digest, Commit(ingest.Path, ingest.Digest));
        }
        finally
        {
            File.Delete(ingest.Path);
        }
    }

    private async Task<IngestResult> IngestAsync(Stream content, string algorithm, long? limit, CancellationToken cancellationToken)
    {
        var path = Path.Combine(IngestDirectory, IngestName.New());
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(Digest.HashAlgorithmFor(algorithm));
            long size = 0;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    size += read;
                    // Stop at the first byte past the promised size: a hostile source must not fill the disk.
                    if (size > limit)
                        break;
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                // The name is given only to content that is on disk, so a crash after the rename cannot expose a torn file.
                file.Flush(flushToDisk: true);
            }
            return new IngestResult(path, Digest.FromHash(algorithm, hash.GetHashAndReset()), size);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool Commit(string ingestPath, Digest digest)
    {
        var target = PathOf(digest);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            // A move without overwrite is link + unlink on Linux: exactly one of two racing writers wins,
            // and the loser's identical content is simply dropped.
            File.Move(ingestPath, target, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(target))
        {
            return false;
        }
    }

    private void RemoveAbandonedIngests()
    {
        foreach (var file in Directory.EnumerateFiles(IngestDirectory))
        {
            if (IngestName.IsAbandoned(file))
                File.Delete(file);
        }
    }

    private readonly record struct IngestResult(string Path, Digest Digest, long Size);
}
