using System.Net;
using Microsoft.Extensions.Logging;
using MiniDocker.Images;

namespace MiniDocker.Registry;

/// <summary>
/// A blob download read as one stream: when the connection breaks, it reconnects and asks for the
/// rest with a Range request (or, from a registry that ignores ranges, reads past what it had),
/// up to <see cref="RegistryOptions.MaxRetries"/> times. It reports the bytes read as it goes.
/// </summary>
internal sealed class ResumableBlobStream(RegistryClient client, ImageReference repository, Descriptor blob, ILogger logger, Action<long>? progress) : IO.ReadOnlyStream
{
    private HttpResponseMessage? _response;
    private Stream? _body;
    private long _position;
    private int _failures;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                _body ??= await OpenAsync(cancellationToken).ConfigureAwait(false);
                int read = await _body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0 && _position < blob.Size)
                    throw new IOException($"the connection ended after {_position} of {blob.Size} bytes");
                _position += read;
                progress?.Invoke(_position);
                return read;
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                DropConnection();
                if (++_failures > client.Options.MaxRetries)
                    throw new RegistryException($"The registry {repository.Registry} stopped sending blob {blob.Digest} after {_position} of {blob.Size} bytes, {_failures} times ({e.Message}). Nothing of it was stored; pull again when the registry is healthy.", e);
                RegistryLog.Resuming(logger, blob.Digest, _position);
                await Task.Delay(client.Options.RetryDelay * Math.Pow(2, _failures - 1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        _response = await client.OpenBlobAsync(repository, blob.Digest, _position, cancellationToken).ConfigureAwait(false);
        var body = await _response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        if (_position > 0 && _response.StatusCode != HttpStatusCode.PartialContent)
        {
            // The registry sent the whole blob again: skip what was already read.
            var skip = new byte[81920];
            for (long left = _position; left > 0;)
            {
                int read = await body.ReadAsync(skip.AsMemory(0, (int)Math.Min(skip.Length, left)), cancellationToken).ConfigureAwait(false);
                if (read == 0) throw new IOException("the registry's second answer was shorter than the first");
                left -= read;
            }
        }
        return body;
    }

    private void DropConnection()
    {
        _body?.Dispose();
        _response?.Dispose();
        _body = null;
        _response = null;
    }



    public override long Length => blob.Size;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing) DropConnection();
        base.Dispose(disposing);
    }
}
