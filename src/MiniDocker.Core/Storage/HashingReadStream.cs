using System.Security.Cryptography;

namespace MiniDocker.Storage;

/// <summary>Passes reads through and hashes every byte read, so a digest comes with one pass over the data.</summary>
internal sealed class HashingReadStream(Stream inner, string algorithm = "sha256") : IO.ReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(Digest.HashAlgorithmFor(algorithm));

    /// <summary>The bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Reads what is left (a tar's trailing padding, say) and returns the digest of everything.</summary>
    public Digest Finish()
    {
        CopyTo(Null);
        return Digest.FromHash(algorithm, _hash.GetHashAndReset());
    }

    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        _hash.AppendData(buffer[..read]);
        BytesRead += read;
        return read;
    }


    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _hash.AppendData(buffer.Span[..read]);
        BytesRead += read;
        return read;
    }


    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
