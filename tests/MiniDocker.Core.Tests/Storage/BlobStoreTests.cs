using System.Text;
using MiniDocker.Storage;

namespace MiniDocker.Tests.Storage;

public sealed class BlobStoreTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("minidocker-blobs-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static (Digest Digest, byte[] Bytes) Blob(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return (Digest.Sha256(bytes), bytes);
    }

    private string[] Listing() =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(root, p)).Order().ToArray();

    [Fact]
    public async Task A_blob_is_stored_under_its_digest_and_reads_back_unchanged()
    {
        var store = new BlobStore(root);
        var (digest, bytes) = Blob("layer one");

        Assert.True(await store.PutAsync(digest, new MemoryStream(bytes), bytes.Length, Cancel));

        Assert.True(store.Contains(digest));
        Assert.Equal(Path.Combine(root, "blobs", "sha256", digest.Hex), store.PathOf(digest));
        Assert.Equal(bytes.Length, store.GetSize(digest));
        await using var read = store.OpenRead(digest);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy, Cancel);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Equal([digest], store.List());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(root, "ingest")));
    }

    [Fact]
    public async Task Content_that_does_not_match_its_digest_is_refused_and_nothing_is_kept()
    {
        var store = new BlobStore(root);
        var before = Listing();
        var (digest, _) = Blob("what the manifest promised");
        var served = Encoding.UTF8.GetBytes("what the registry served");

        var error = await Assert.ThrowsAsync<BlobIntegrityException>(() => store.PutAsync(digest, new MemoryStream(served), cancellationToken: Cancel));

        Assert.Contains(digest.ToString(), error.Message);
        Assert.Contains(Digest.Sha256(served).ToString(), error.Message);
        Assert.False(store.Contains(digest));
        Assert.Equal(before, Listing());
    }

    [Fact]
    public async Task Content_longer_than_promised_is_cut_off_without_reading_it_all()
    {
        var store = new BlobStore(root);
        var before = Listing();
        var endless = new EndlessStream();

        var error = await Assert.ThrowsAsync<BlobIntegrityException>(() =>
            store.PutAsync(Digest.Sha256(new byte[4096]), endless, expectedSize: 4096, Cancel));

        Assert.Contains("longer than the 4096 bytes expected", error.Message);
        Assert.True(endless.BytesRead < 1024 * 1024, $"The store read {endless.BytesRead} bytes of a blob promised as 4096.");
        Assert.Equal(before, Listing());
    }

    [Fact]
    public async Task A_short_transfer_is_refused()
    {
        var store = new BlobStore(root);
        var (digest, bytes) = Blob("the whole layer");

        var error = await Assert.ThrowsAsync<BlobIntegrityException>(() =>
            store.PutAsync(digest, new MemoryStream(bytes[..5]), bytes.Length, Cancel));

        Assert.Contains($"is 5 bytes, but {bytes.Length} were expected", error.Message);
        Assert.False(store.Contains(digest));
    }

    [Fact]
    public async Task A_blob_already_held_is_not_read_again()
    {
        var store = new BlobStore(root);
        var (digest, bytes) = Blob("shared base layer");
        await store.PutAsync(digest, new MemoryStream(bytes), bytes.Length, Cancel);

        var second = new EndlessStream();
        Assert.False(await store.PutAsync(digest, second, bytes.Length, Cancel));
        Assert.Equal(0, second.BytesRead);
    }

    [Fact]
    public async Task Two_stores_writing_one_blob_at_once_end_with_one_copy()
    {
        var (digest, _) = Blob(new string('x', 4 * 1024 * 1024));
        var content = Encoding.UTF8.GetBytes(new string('x', 4 * 1024 * 1024));
        var stores = Enumerable.Range(0, 8).Select(_ => new BlobStore(root)).ToArray();

        var added = await Task.WhenAll(stores.Select(s => Task.Run(() => s.PutAsync(digest, new MemoryStream(content), content.Length, Cancel), Cancel)));

        Assert.Contains(true, added);
        Assert.Equal(Path.Combine("blobs", "sha256", digest.Hex), Assert.Single(Listing(), p => p.StartsWith("blobs/sha256/", StringComparison.Ordinal)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(root, "ingest")));
        await stores[0].VerifyAsync(digest, Cancel);
    }

    [Fact]
    public async Task A_cancelled_write_leaves_nothing()
    {
        var store = new BlobStore(root);
        var before = Listing();
        using var cancel = new CancellationTokenSource();
        var endless = new EndlessStream { AfterBytes = (64 * 1024, cancel.Cancel) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PutAsync(endless, cancel.Token));

        Assert.Equal(before, Listing());
    }

    [Fact]
    public async Task A_crashed_writers_partial_file_is_never_trusted_and_is_removed()
    {
        _ = new BlobStore(root);
        // A pid above pid_max cannot be running: this is what a writer killed mid-blob leaves.
        var abandoned = Path.Combine(root, "ingest", "99999999.0123456789abcdef0123456789abcdef");
        await File.WriteAllTextAsync(abandoned, "half a layer", Cancel);
        var live = Path.Combine(root, "ingest", $"{Environment.ProcessId}.fedcba9876543210fedcba9876543210");
        await File.WriteAllTextAsync(live, "a write in progress", Cancel);

        var store = new BlobStore(root);

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(live), "A write by a live process must not be removed under it.");
        Assert.Empty(store.List());
    }

    [Fact]
    public async Task Verify_detects_a_blob_changed_on_disk()
    {
        var store = new BlobStore(root);
        var (digest, bytes) = Blob("config");
        await store.PutAsync(digest, new MemoryStream(bytes), bytes.Length, Cancel);
        await store.VerifyAsync(digest, Cancel);

        await File.WriteAllTextAsync(store.PathOf(digest), "tampered", Cancel);

        var error = await Assert.ThrowsAsync<BlobIntegrityException>(() => store.VerifyAsync(digest, Cancel));
        Assert.Contains("was changed on disk", error.Message);
    }

    [Fact]
    public void A_missing_blob_gets_an_error_that_names_it()
    {
        var store = new BlobStore(root);
        var (digest, _) = Blob("never stored");
        var error = Assert.Throws<BlobNotFoundException>(() => store.OpenRead(digest));
        Assert.Contains(digest.ToString(), error.Message);
        Assert.Throws<BlobNotFoundException>(() => store.GetSize(digest));
        Assert.False(store.Delete(digest));
    }

    [Theory]
    [InlineData("sha256:../../../../etc/passwd")]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public void Digests_that_could_not_safely_name_a_file_are_refused(string text)
    {
        var error = Assert.Throws<FormatException>(() => Digest.Parse(text));
        Assert.Contains("64 lowercase hex digits", error.Message);
    }

    [Fact]
    public void A_canonical_digest_round_trips()
    {
        var digest = Digest.Parse("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        Assert.Equal(Digest.Sha256([]), digest);
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", digest.ToString());
    }

    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public (long Bytes, Action Action)? AfterBytes { get; init; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            BytesRead += count;
            if (AfterBytes is { } trigger && BytesRead >= trigger.Bytes)
                trigger.Action();
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
